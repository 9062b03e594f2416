import { type HttpClient, httpClientFrom, sleep, systemTimers, type Timers } from '@meridian/adapters-node';
import type { EventEnvelope } from '@meridian/contracts';
import type { ApplyResult, ChangeApplier, ConflictRecord } from './change-applier';
import type { EventChange, ItemChange, ReplicationStream } from './change-feed';
import { LagTracker } from './lag-tracker';
import type { LinkState } from './link-state';

export interface Peer {
  name: string;
  url: string;
}

export interface ReplicationPullerOptions {
  region: string;
  peers: readonly Peer[];
  applier: ChangeApplier;
  link: LinkState;
  /** Puts a peer's events on this region's bus (which de-duplicates by event id). */
  publishEvents: (events: EventEnvelope[]) => Promise<unknown>;
  /** Called after each applied batch of item changes (e.g. to credit incoming stock transfers). */
  onApplied?: (result: ApplyResult, peer: string) => Promise<void> | void;
  onConflict?: (conflict: ConflictRecord, peer: string) => void;
  now?: () => number;
  /** The timers the error backoff waits with. */
  timers?: Timers;
  /** Default: a pooled keep-alive client. */
  http?: HttpClient;
  /** Tests answer through a fake fetch instead. */
  fetch?: typeof fetch;
  batchSize?: number;
  /** How long a peer may hold a long-poll open when it has nothing new. */
  waitMs?: number;
}

export interface PeerStatus {
  peer: string;
  connected: boolean;
  lastError?: string;
  cursors: Record<ReplicationStream, number>;
  /** Lag of the item changes applied over the last minute (max: the largest), and of the last one. */
  lagMs: { last?: number; p50?: number; p99?: number; max?: number };
  /**
   * How long ago the peer last answered a pull of its item changes (or, if it never has, since this
   * region began pulling). A connected peer answers at least once a second (its long-poll ends then);
   * while the link is cut or the peer is down this grows, and it bounds how stale this region's copy of
   * the peer's items can be when nothing is being applied.
   */
  lastPulledAgoMs?: number;
  applied: number;
  conflicts: number;
}

interface PeerState {
  connected: boolean;
  /**
   * Whether this region has pulled the peer's item changes up to where the peer was at some point since
   * it started (a batch smaller than the limit), or the peer could not be reached: nothing more to wait for.
   */
  caughtUp: boolean;
  lastError?: string;
  lag: LagTracker;
  /** When the peer last answered a pull of its item changes, or when pulling began. */
  changesPulledAt?: number;
  applied: number;
  conflicts: number;
}

/**
 * The receiving side of replication: for every peer, two long-polling loops (item changes and events)
 * that fetch what the peer committed after the persisted cursor, apply it, and advance the cursor.
 * A cut link pauses the loops; errors back off (100 ms doubling to 2 s) and retry.
 */
export class ReplicationPuller {
  private readonly controller = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private readonly state = new Map<string, PeerState>();
  private readonly now: () => number;
  private readonly http: HttpClient;

  constructor(private readonly options: ReplicationPullerOptions) {
    this.now = options.now ?? Date.now;
    this.http = httpClientFrom(options);
    for (const peer of options.peers) {
      this.state.set(peer.name, {
        connected: false,
        caughtUp: false,
        lag: new LagTracker(),
        applied: 0,
        conflicts: 0,
      });
    }
  }

  /**
   * True once every peer's item changes were pulled up to date at least once since this region started
   * (or the peer could not be reached), and while the link is cut (a region in a partition serves with
   * what it has). A later burst on a peer is replication lag, not a region catching up: it stays true.
   */
  caughtUp(): boolean {
    // Cut off from its peers a region serves with what it has; after the link heals it is caught up
    // again once each peer has answered a short batch.
    if (!this.options.link.up) return true;
    return [...this.state.values()].every((state) => state.caughtUp);
  }

  start(): void {
    this.beginPulling();
    for (const peer of this.options.peers) {
      this.loops.push(this.loop(peer, 'changes'), this.loop(peer, 'events'));
    }
  }

  /** A peer that never answers shows as silent since this region began pulling, not as unknown. */
  private beginPulling(): void {
    const now = this.now();
    for (const state of this.state.values()) state.changesPulledAt ??= now;
  }

  /**
   * Pulls each reachable peer's item changes until caught up (or the time is up), once, before the
   * region resumes its own work: a restarted region must see what its peers decided while it was gone
   * (an idempotency key another region now owns) before it finishes its interrupted orders.
   */
  async catchUp(timeoutMs: number): Promise<void> {
    this.beginPulling();
    const deadline = this.now() + timeoutMs;
    await Promise.all(
      this.options.peers.map(async (peer) => {
        const state = this.state.get(peer.name) as PeerState;
        while (this.options.link.up && this.now() < deadline) {
          try {
            const limit = this.options.batchSize ?? 500;
            const answer = await this.http.call({
              method: 'GET',
              url: this.pullUrl(peer, 'changes', 0),
              timeoutMs: Math.max(1, deadline - this.now()),
            });
            if (answer.status !== 200) {
              state.caughtUp = true;
              return;
            }
            const { items } = JSON.parse(answer.text) as { items: ItemChange[] };
            await this.applyChanges(peer, state, items);
            // The status says so now, not only after the first long-poll returns.
            answered(state);
            state.changesPulledAt = this.now();
            if (items.length < limit) {
              state.caughtUp = true;
              return;
            }
          } catch {
            // The peer is down or slow: resume without it; the regular loops catch up later.
            return;
          }
        }
      }),
    );
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await Promise.allSettled(this.loops);
  }

  status(): PeerStatus[] {
    return this.options.peers.map((peer) => {
      const state = this.state.get(peer.name) as PeerState;
      const now = this.now();
      const [last, p50, p99, max] = [
        state.lag.last,
        state.lag.percentile(50, now),
        state.lag.percentile(99, now),
        state.lag.max(now),
      ];
      return {
        peer: peer.name,
        connected: state.connected && this.options.link.up,
        ...(state.lastError ? { lastError: state.lastError } : {}),
        cursors: {
          changes: this.options.applier.cursor(peer.name, 'changes'),
          events: this.options.applier.cursor(peer.name, 'events'),
        },
        lagMs: {
          ...(last === undefined ? {} : { last }),
          ...(p50 === undefined ? {} : { p50 }),
          ...(p99 === undefined ? {} : { p99 }),
          ...(max === undefined ? {} : { max }),
        },
        ...(state.changesPulledAt === undefined ? {} : { lastPulledAgoMs: now - state.changesPulledAt }),
        applied: state.applied,
        conflicts: state.conflicts,
      };
    });
  }

  /** Forgets the lag samples (benchmarks measure one phase at a time). */
  resetLag(): void {
    for (const state of this.state.values()) state.lag.reset();
  }

  private async loop(peer: Peer, stream: ReplicationStream): Promise<void> {
    const signal = this.controller.signal;
    const state = this.state.get(peer.name) as PeerState;
    const batchSize = this.options.batchSize ?? 500;
    let backoffMs = 100;
    while (!signal.aborted) {
      await this.options.link.whenUp(signal);
      if (signal.aborted) return;
      try {
        const waitMs = this.options.waitMs ?? 1000;
        const url = this.pullUrl(peer, stream, waitMs);
        // The peer may hold the pull for waitMs before it answers: the budget is on top of that.
        const answer = await this.http
          .call({ method: 'GET', url, timeoutMs: waitMs + 10_000, signal })
          .catch((error) => {
            // Unreachable: there is nothing to catch up with now.
            if (stream === 'changes') state.caughtUp = true;
            throw error;
          });
        if (answer.status !== 200) {
          if (stream === 'changes') state.caughtUp = true;
          throw new Error(`${peer.name} answered ${answer.status}`);
        }
        const body = JSON.parse(answer.text) as { items: Array<ItemChange | EventChange> };
        // A link cut while the request was in flight: drop what arrived, as a partition would have.
        if (!this.options.link.up) continue;
        if (stream === 'changes') {
          await this.applyChanges(peer, state, body.items as ItemChange[]);
          state.changesPulledAt = this.now();
          if (body.items.length < batchSize) state.caughtUp = true;
        } else await this.applyEvents(peer, body.items as EventChange[]);
        answered(state);
        backoffMs = 100;
      } catch (error) {
        if (signal.aborted) return;
        state.connected = false;
        state.lastError = error instanceof Error ? error.message : String(error);
        // The wait removes its abort listener when it ends: one that did not would leave one on this
        // long-lived signal per failed poll while a peer was down.
        await sleep(this.options.timers ?? systemTimers, backoffMs, signal);
        backoffMs = Math.min(backoffMs * 2, 2000);
      }
    }
  }

  /** The next pull from a peer's stream, after this region's cursor; waitMs 0 answers at once. */
  private pullUrl(peer: Peer, stream: ReplicationStream, waitMs: number): string {
    const after = this.options.applier.cursor(peer.name, stream);
    const wait = waitMs > 0 ? `&waitMs=${waitMs}` : '';
    return `${peer.url}/internal/replication/${stream}?after=${after}&limit=${this.options.batchSize ?? 500}${wait}&from=${encodeURIComponent(this.options.region)}`;
  }

  private async applyChanges(peer: Peer, state: PeerState, changes: ItemChange[]): Promise<void> {
    if (changes.length === 0) return;
    const result = this.options.applier.apply(peer.name, changes);
    const now = this.now();
    for (const change of changes) state.lag.record(Math.max(0, now - change.updatedAt), now);
    state.applied += result.applied.length;
    state.conflicts += result.conflicts.length;
    for (const conflict of result.conflicts) this.options.onConflict?.(conflict, peer.name);
    await this.options.onApplied?.(result, peer.name);
  }

  private async applyEvents(peer: Peer, events: EventChange[]): Promise<void> {
    const last = events.at(-1);
    if (!last) return;
    await this.options.publishEvents(events.map((entry) => entry.event));
    this.options.applier.saveStreamCursor(peer.name, 'events', last.seq);
  }
}

/** The peer answered and its batch was applied. */
function answered(state: PeerState): void {
  state.connected = true;
  delete state.lastError;
}
