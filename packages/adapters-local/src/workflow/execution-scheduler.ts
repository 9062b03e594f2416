import { FifoQueue } from './fifo-queue';

/**
 * Runs at most `maxConcurrent` executions at once, in the order they were scheduled; the rest wait in
 * memory (already RUNNING in SQLite, so a restart loses none). Knows which ids are queued or running, so a
 * resume never starts a second run of the same execution, and tells waiters when all is done.
 */
export class ExecutionScheduler<T extends { id: number }> {
  private readonly queue = new FifoQueue<T>();
  private readonly running = new Map<number, T>();
  private readonly scheduled = new Set<number>();
  private idleWaiters: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly maxConcurrent: number,
    /** Runs one execution; it settles once its outcome is committed (or it was detached). */
    private readonly run: (execution: T) => Promise<void>,
  ) {
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new RangeError('maxConcurrent must be a positive integer');
    }
  }

  /** Ids queued or running here. */
  get ids(): ReadonlySet<number> {
    return this.scheduled;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Queues the execution and starts what the limit allows; false, doing nothing, once stopped. */
  schedule(execution: T): boolean {
    if (this.stopped) return false;
    this.scheduled.add(execution.id);
    this.queue.push(execution);
    this.pump();
    return true;
  }

  /** Resolves when nothing is running or queued. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Starts nothing more and forgets what was queued (it stays RUNNING in SQLite for a resume). */
  stop(): void {
    this.stopped = true;
    for (const execution of this.queue.drain()) this.scheduled.delete(execution.id);
  }

  /** What is running now. */
  runningNow(): T[] {
    return [...this.running.values()];
  }

  notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.maxConcurrent) {
      const execution = this.queue.take();
      if (execution === undefined) return;
      this.running.set(execution.id, execution);
      void this.execute(execution);
    }
  }

  private async execute(execution: T): Promise<void> {
    try {
      await this.run(execution);
    } finally {
      this.running.delete(execution.id);
      this.scheduled.delete(execution.id);
      this.pump();
      this.notifyIfIdle();
    }
  }

  private isIdle(): boolean {
    return this.running.size === 0 && this.queue.size === 0;
  }
}
