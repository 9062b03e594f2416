import { type HttpClient, httpClientFrom, sleep, systemTimers, type Timers } from '@meridian/adapters-node';
import type { EventEnvelope } from '@meridian/contracts';
import type { ApplyResult, ChangeApplier, ConflictRecord } from './change-applier';
import type { EventChange, ItemChange, ReplicationStream } from './change-feed';
import type { LinkState } from './link-state';
import { parseChangesAnswer, parseEventsAnswer } from './peer-answer';
import { answered, newPeerState, type PeerState, type PeerStatus, peerStatus } from './peer-state';

export type { PeerStatus } from './peer-state';

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

/** How a pull ended when the peer answered or could not be reached (a malformed answer throws). */
type Pull =
  /** A batch applied; `complete` when it was short of a full one (the peer had no more then). */
  | { kind: 'applied'; complete: boolean }
  /** The link was cut while the request was in flight: what arrived is dropped. */
  | { kind: 'dropped' }
  | { kind: 'refused'; status: number }
  | { kind: 'unreachable'; error: unknown };

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
      this.state.set(peer.name, newPeerState());
    }
  }

  /**
   * True once every peer's item changes were pulled up to date at least once since this region started
   * (or the peer could not be reached), and while the link is cut (a region in a partition serves with
   * what it has). A later burst on a peer is replication lag, not a region catching up: it stays true.
   */
  caughtUp(): boolean {
    // Cut off from its peers a region serves with what it has; after the heal, what the peers wrote
    // meanwhile arrives as replication lag (the status shows it), not as a region catching up.
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
          let pulled: Pull;
          try {
            pulled = await this.pull(peer, 'changes', {
              waitMs: 0,
              timeoutMs: Math.max(1, deadline - this.now()),
            });
          } catch {
            // A malformed answer or a batch that did not apply: the regular loops retry it.
            return;
          }
          // Down or slow: resume without it; the regular loops catch up later.
          if (pulled.kind === 'unreachable' || pulled.kind === 'dropped') return;
          if (pulled.kind === 'refused') state.caughtUp = true;
          if (pulled.kind === 'refused' || pulled.complete) return;
        }
      }),
    );
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await Promise.allSettled(this.loops);
  }

  status(): PeerStatus[] {
    const linkUp = this.options.link.up;
    return this.options.peers.map((peer) => {
      const cursors = {
        changes: this.options.applier.cursor(peer.name, 'changes'),
        events: this.options.applier.cursor(peer.name, 'events'),
      };
      return peerStatus(peer.name, this.state.get(peer.name) as PeerState, {
        cursors,
        linkUp,
        now: this.now(),
      });
    });
  }

  /** Forgets the lag samples (benchmarks measure one phase at a time). */
  resetLag(): void {
    for (const state of this.state.values()) state.lag.reset();
  }

  private async loop(peer: Peer, stream: ReplicationStream): Promise<void> {
    const signal = this.controller.signal;
    const state = this.state.get(peer.name) as PeerState;
    let backoffMs = 100;
    while (!signal.aborted) {
      await this.options.link.whenUp(signal);
      if (signal.aborted) return;
      try {
        const waitMs = this.options.waitMs ?? 1000;
        // The peer may hold the pull for waitMs before it answers: the budget is on top of that.
        const pulled = await this.pull(peer, stream, { waitMs, timeoutMs: waitMs + 10_000, signal });
        if (pulled.kind === 'unreachable' || pulled.kind === 'refused') {
          // Nothing to catch up with now.
          if (stream === 'changes') state.caughtUp = true;
          throw pulled.kind === 'refused'
            ? new Error(`${peer.name} answered ${pulled.status}`)
            : pulled.error;
        }
        if (pulled.kind === 'dropped') continue;
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

  /**
   * One fetch-and-apply: pulls what follows this region's cursor on a peer's stream, parses it, applies
   * it and advances the cursor. An answer that is not the stream's shape is refused whole (it throws,
   * nothing applied); one that arrives after the link was cut is dropped, as a partition would have.
   */
  private async pull(
    peer: Peer,
    stream: ReplicationStream,
    request: { waitMs: number; timeoutMs: number; signal?: AbortSignal },
  ): Promise<Pull> {
    const state = this.state.get(peer.name) as PeerState;
    let answer: { status: number; text: string };
    try {
      answer = await this.http.call({
        method: 'GET',
        url: this.pullUrl(peer, stream, request.waitMs),
        timeoutMs: request.timeoutMs,
        ...(request.signal ? { signal: request.signal } : {}),
      });
    } catch (error) {
      return { kind: 'unreachable', error };
    }
    if (answer.status !== 200) return { kind: 'refused', status: answer.status };
    if (stream === 'changes') {
      const changes = parseChangesAnswer(answer.text);
      if (!this.options.link.up) return { kind: 'dropped' };
      await this.applyChanges(peer, state, changes);
      state.changesPulledAt = this.now();
      const complete = changes.length < (this.options.batchSize ?? 500);
      if (complete) state.caughtUp = true;
      answered(state);
      return { kind: 'applied', complete };
    }
    const events = parseEventsAnswer(answer.text);
    if (!this.options.link.up) return { kind: 'dropped' };
    await this.applyEvents(peer, events);
    answered(state);
    return { kind: 'applied', complete: events.length < (this.options.batchSize ?? 500) };
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
