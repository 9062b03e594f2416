import { systemTimers, type TimerHandle, type Timers } from '@meridian/adapters-node';

/**
 * Runs `run` every `intervalMs`, one run at a time, until stopped: the next run is scheduled when the
 * previous one ends, so a slow run (a provider that does not answer) never overlaps the next. A failed
 * run is reported and the loop goes on. `runNow()` runs at once, after any run in progress.
 */
export class PeriodicTask<T> {
  private timer: TimerHandle | undefined;
  private current: Promise<T | undefined> | undefined;
  private stopped = true;

  constructor(
    private readonly options: {
      intervalMs: number;
      run: () => Promise<T>;
      onError: (error: unknown) => void;
      timers?: Timers;
    },
  ) {}

  private get timers(): Timers {
    return this.options.timers ?? systemTimers;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  /** Runs once now (after a run in progress), whether or not the loop is started; rejects if it fails. */
  async runNow(): Promise<T> {
    await this.current;
    this.timers.clearTimeout(this.timer);
    const run = this.options.run();
    this.current = run.then(
      (value) => value,
      () => undefined,
    );
    try {
      return await run;
    } finally {
      this.current = undefined;
      this.schedule();
    }
  }

  /** Stops scheduling and waits for a run in progress (before the database closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private schedule(): void {
    this.timers.clearTimeout(this.timer);
    if (this.stopped) return;
    // Real timers are unref'd: a pending run must not keep a stopping process alive.
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      const run = this.options.run().catch((error: unknown) => {
        this.options.onError(error);
        return undefined;
      });
      this.current = run;
      void run.finally(() => {
        if (this.current === run) this.current = undefined;
        this.schedule();
      });
    }, this.options.intervalMs);
  }
}
