/**
 * Replication lags (ms) of the changes applied recently, with their time of application. Percentiles
 * cover a sliding time window, so the figure describes the lag now, not a burst long past.
 */
export class LagTracker {
  private samples: Array<{ at: number; lagMs: number }> = [];
  last: number | undefined;

  constructor(
    private readonly windowMs = 60_000,
    private readonly capacity = 4096,
  ) {}

  record(lagMs: number, at: number): void {
    this.last = lagMs;
    this.samples.push({ at, lagMs });
    if (this.samples.length > this.capacity) this.samples.splice(0, this.samples.length - this.capacity);
  }

  /** The p-th percentile over the window ending at `now`, or undefined when nothing was applied in it. */
  percentile(p: number, now: number): number | undefined {
    this.samples = this.samples.filter((sample) => sample.at >= now - this.windowMs);
    if (this.samples.length === 0) return undefined;
    const sorted = this.samples.map((sample) => sample.lagMs).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  }

  reset(): void {
    this.samples = [];
    this.last = undefined;
  }
}
