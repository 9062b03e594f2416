import type { EventEnvelope } from '@meridian/contracts';
import type { Database } from 'better-sqlite3';

export interface OutboxRelayOptions {
  db: Database;
  /** Hands a batch to the bus; must be idempotent by event id (the relay may publish a batch twice after a crash). */
  publish: (events: EventEnvelope[]) => Promise<unknown>;
  batchSize?: number;
  /** Published rows are kept this long for inspection, then pruned. */
  retainPublishedMs?: number;
  clock?: { now(): number };
  onError?: (error: unknown) => void;
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
  private retryTimer: NodeJS.Timeout | undefined;
  private lastPruneAt = 0;
  private readonly batchSize: number;
  private readonly clock: { now(): number };

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.clock = options.clock ?? { now: () => Date.now() };
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
    this.running = this.flushLoop().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.notify();
      }
    });
  }

  /** Resolves when everything committed so far has been handed to the bus. */
  async drain(): Promise<void> {
    while (this.running || this.pendingCount() > 0) {
      if (!this.running) this.notify();
      await this.running;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.running;
  }

  pendingCount(): number {
    const row = this.options.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE published_at IS NULL').get() as { n: number };
    return row.n;
  }

  private async flushLoop(): Promise<void> {
    const select = this.options.db.prepare(
      'SELECT seq, event FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT ?',
    );
    const markPublished = this.options.db.prepare('UPDATE outbox SET published_at = ? WHERE seq = ?');
    for (;;) {
      if (this.stopped) return;
      const rows = select.all(this.batchSize) as Array<{ seq: number; event: string }>;
      if (rows.length === 0) break;
      try {
        await this.options.publish(rows.map((row) => JSON.parse(row.event) as EventEnvelope));
      } catch (error) {
        this.options.onError?.(error);
        // The bus refused the batch: try again shortly rather than spin.
        this.retryTimer = setTimeout(() => this.notify(), 500);
        this.retryTimer.unref();
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
    this.options.db.prepare('DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < ?').run(cutoff);
  }
}
