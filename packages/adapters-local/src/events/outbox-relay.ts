import { sleep, systemClock, systemTimers, type TimerHandle, type Timers } from '@meridian/adapters-node';
import type { EventEnvelope } from '@meridian/contracts';
import type { Database } from 'better-sqlite3';
import { limitClause } from '../sqlite/limit-clause';
import { StatementCache } from '../sqlite/statement-cache';

const RETRY_DELAY_MS = 500;

export interface OutboxRelayOptions {
  db: Database;
  /** Hands a batch to the bus; must be idempotent by event id (the relay may publish a batch twice after a crash). */
  publish: (events: EventEnvelope[]) => Promise<unknown>;
  batchSize?: number;
  /** Published rows are kept this long for inspection, then pruned. */
  retainPublishedMs?: number;
  clock?: { now(): number };
  timers?: Timers;
  onError?: (error: unknown) => void;
  /**
   * When publish throws, names the events of the batch that can never be accepted (by index), e.g. the
   * bus's InvalidEventError. Those rows are set aside with the reason; the rest are retried.
   */
  rejectedIndexes?: (error: unknown) => readonly number[] | undefined;
  /** The highest outbox sequence that may be pruned (peers replicate events from the outbox). */
  pruneFloor?: () => number;
}

/**
 * Moves committed events from the outbox to the bus. It wakes when the store commits (no polling) and
 * once at start for anything a crash left behind; rows are marked published only after the bus accepted
 * them, so delivery is at least once.
 */
export class OutboxRelay {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private retryTimer: TimerHandle | undefined;
  private lastPruneAt = 0;
  private readonly batchSize: number;
  private readonly clock: { now(): number };
  private readonly timers: Timers;

  private readonly sql: StatementCache;

  constructor(private readonly options: OutboxRelayOptions) {
    this.sql = new StatementCache(options.db);
    this.batchSize = options.batchSize ?? 500;
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
  }

  start(): void {
    this.stopped = false;
    this.notify();
  }

  /** Asks for a flush; calls while one runs coalesce into one more pass. */
  notify(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // The flush starts on the next turn of the event loop, so the commits of one turn share one batch
    // (and the committing use case is not charged for publishing).
    this.running = new Promise<void>((resolve) => this.timers.setImmediate(resolve))
      .then(() => this.flushLoop())
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.notify();
        }
      });
  }

  /** Resolves when everything committed so far has been handed to the bus. */
  async drain(): Promise<void> {
    // A stopped relay publishes nothing more, so waiting for the outbox to empty would never end.
    while (this.running || (!this.stopped && this.pendingCount() > 0)) {
      if (this.running) {
        await this.running;
      } else if (this.retryTimer) {
        // The bus refused the last batch: wait for the scheduled retry instead of hammering it.
        await sleep(this.timers, RETRY_DELAY_MS);
      } else {
        this.notify();
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.clearTimeout(this.retryTimer);
    await this.running;
  }

  /** When the oldest event not yet handed to the bus was committed (epoch ms); undefined when none waits. */
  oldestPendingAt(): number | undefined {
    const row = this.sql
      .get<[], { at: number | null }>('SELECT MIN(created_at) AS at FROM outbox WHERE published_at IS NULL')
      .get();
    return row?.at ?? undefined;
  }

  pendingCount(): number {
    const row = this.sql.get('SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL').get() as {
      n: number;
    };
    return row.n;
  }

  private async flushLoop(): Promise<void> {
    const select = this.sql.get(
      `SELECT seq, event FROM outbox WHERE published_at IS NULL ORDER BY seq ${limitClause(this.batchSize)}`,
    );
    const markPublished = this.sql.get('UPDATE outbox SET published_at = ? WHERE seq = ?');
    const setAside = this.sql.get('UPDATE outbox SET published_at = ?, rejected_reason = ? WHERE seq = ?');
    for (;;) {
      if (this.stopped) return;
      const rows = select.all() as Array<{ seq: number; event: string }>;
      if (rows.length === 0) break;
      try {
        await this.options.publish(rows.map((row) => JSON.parse(row.event) as EventEnvelope));
      } catch (error) {
        this.options.onError?.(error);
        const rejected = this.options.rejectedIndexes?.(error);
        if (rejected && rejected.length > 0) {
          const reason = error instanceof Error ? error.message : String(error);
          const now = this.clock.now();
          this.options.db.transaction(() => {
            for (const index of rejected) {
              const row = rows[index];
              if (row) setAside.run(now, reason, row.seq);
            }
          })();
          continue;
        }
        // The bus refused the batch: try again shortly rather than spin.
        this.timers.clearTimeout(this.retryTimer);
        this.retryTimer = this.timers.setTimeout(() => {
          this.retryTimer = undefined;
          this.notify();
        }, RETRY_DELAY_MS);
        return;
      }
      const now = this.clock.now();
      this.options.db.transaction(() => {
        for (const row of rows) markPublished.run(now, row.seq);
      })();
    }
    this.prune();
  }

  private prune(): void {
    // Pruning scans the table, so it runs at most every few seconds, not after every batch.
    const now = this.clock.now();
    if (now - this.lastPruneAt < 5_000) return;
    this.lastPruneAt = now;
    const cutoff = now - (this.options.retainPublishedMs ?? 10 * 60_000);
    this.sql
      .get(
        'DELETE FROM outbox WHERE published_at IS NOT NULL AND rejected_reason IS NULL AND published_at < ? AND seq <= ?',
      )
      // Peers replicate events from the outbox: keep what any of them has not read yet.
      .run(cutoff, this.options.pruneFloor?.() ?? Number.MAX_SAFE_INTEGER);
  }
}
