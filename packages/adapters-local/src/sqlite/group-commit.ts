import { systemTimers, type Timers } from '@meridian/adapters-node';
import type { Database, Statement } from 'better-sqlite3';

interface QueuedWork {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: every unit of work queued during one turn of the event loop runs in a single SQLite
 * transaction on the next `setImmediate`, one WAL commit for all of them instead of one each (a commit
 * costs more than the statements of a typical unit). Each unit runs in its own savepoint, so one that
 * throws undoes only its own writes and rejects only its own promise. A promise resolves only after the
 * commit: nothing is acknowledged before it is committed.
 */
export class GroupCommit {
  private readonly queued: QueuedWork[] = [];
  private readonly savepoint: Statement;
  private readonly release: Statement;
  private readonly rollbackTo: Statement;

  constructor(
    private readonly db: Database,
    private readonly options: {
      /** Called after each commit in which at least one unit succeeded. */
      afterCommit?: () => void;
      /** Schedules the commit on the next turn of the event loop (default Node's setImmediate). */
      timers?: Timers;
    } = {},
  ) {
    this.savepoint = db.prepare('SAVEPOINT group_commit_unit');
    this.release = db.prepare('RELEASE group_commit_unit');
    this.rollbackTo = db.prepare('ROLLBACK TO group_commit_unit');
  }

  /**
   * Runs `work` in the next group transaction and resolves with its result after the commit. The work
   * must be synchronous. A unit that returns a promise is rejected and what it wrote before its first
   * `await` is undone, but nothing can undo what it writes after that (outside any transaction).
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.queued.length === 1) (this.options.timers ?? systemTimers).setImmediate(() => this.commit());
    });
  }

  private commit(): void {
    const batch = this.queued.splice(0);
    if (!this.db.open) {
      for (const unit of batch) unit.reject(new Error('The database is closed.'));
      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.db
        .transaction(() => {
          for (const unit of batch) {
            this.savepoint.run();
            try {
              const value = unit.work();
              if (isThenable(value)) {
                // Its own later failure must not become an unhandled rejection.
                Promise.resolve(value).catch(() => {});
                throw new TypeError('GroupCommit work must be synchronous.');
              }
              this.release.run();
              outcomes.push({ ok: true, value });
            } catch (error) {
              // Some errors (disk full, I/O) end the whole transaction: report them, not the missing savepoint.
              if (!this.db.inTransaction) throw error;
              this.rollbackTo.run();
              this.release.run();
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch (error) {
      // The commit itself failed: nothing of the batch was written.
      for (const unit of batch) unit.reject(error);
      return;
    }
    let committed = false;
    batch.forEach((unit, index) => {
      const outcome = outcomes[index];
      if (outcome?.ok) {
        committed = true;
        unit.resolve(outcome.value);
      } else unit.reject(outcome?.error);
    });
    if (committed) this.options.afterCommit?.();
  }
}

function isThenable(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
