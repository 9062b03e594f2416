import { systemTimers, type Timers } from '@meridian/adapters-node';
import type { FinishRow, HistoryRow, WorkflowStore } from './workflow-store';

export interface WorkflowLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** The default logger: quiet about routine work, loud about lost writes and failed executions. */
export const errorsToConsole: WorkflowLogger = {
  info: () => {},
  error: (message, extra) => console.error(message, extra ?? ''),
};

/**
 * Group commit for history and finished executions: everything appended during one turn of the event
 * loop is written in a single transaction on the next `setImmediate`. With many executions in flight
 * that is one transaction for hundreds of events, instead of one per event or one per execution.
 * Losing the unflushed tail in a crash is harmless: its execution is still RUNNING in the database
 * and is re-run from the start by `resumeUnfinished()`.
 */
export class HistoryWriter {
  private events: HistoryRow[] = [];
  private finishes: FinishRow[] = [];
  private pending: Promise<boolean> | undefined;
  private settlePending: ((committed: boolean) => void) | undefined;
  private closed = false;

  constructor(
    private readonly store: WorkflowStore,
    private readonly logger: WorkflowLogger,
    private readonly timers: Timers = systemTimers,
  ) {}

  append(event: HistoryRow): void {
    if (this.closed) return;
    this.events.push(event);
    void this.schedule();
  }

  /** Resolves once the finish is committed: true, or false if the write failed or the writer is closed. */
  finish(row: FinishRow): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    this.finishes.push(row);
    return this.schedule();
  }

  /** Writes what is buffered now and ignores everything appended later (the database may be closing). */
  close(): void {
    this.flushPending();
    this.closed = true;
  }

  private schedule(): Promise<boolean> {
    if (this.pending === undefined) {
      this.pending = new Promise((resolve) => {
        this.settlePending = resolve;
      });
      this.timers.setImmediate(() => this.flushPending());
    }
    return this.pending;
  }

  private flushPending(): void {
    const settle = this.settlePending;
    this.pending = undefined;
    this.settlePending = undefined;
    settle?.(this.flush());
  }

  private flush(): boolean {
    if (this.events.length === 0 && this.finishes.length === 0) return true;
    const events = this.events;
    const finishes = this.finishes;
    this.events = [];
    this.finishes = [];
    try {
      this.store.writeBatch(events, finishes);
      return true;
    } catch (error) {
      this.logger.error('workflow history write failed; affected executions stay RUNNING', {
        events: events.length,
        finishes: finishes.length,
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  }
}
