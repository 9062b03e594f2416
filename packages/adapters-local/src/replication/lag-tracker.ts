/**
 * Replication lags (ms) of the changes applied recently, with their time of application. Percentiles
 * cover a sliding time window, so the figure describes the lag now, not a burst long past. Samples live
 * in a fixed ring (every applied change records one, so recording must not copy the window).
 */
export class LagTracker {
  private readonly at: Float64Array;
  private readonly lags: Float64Array;
  /** Samples written so far; the ring holds the last `capacity` of them. */
  private written = 0;
  last: number | undefined;

  constructor(
    private readonly windowMs = 60_000,
    private readonly capacity = 4096,
  ) {
    this.at = new Float64Array(capacity);
    this.lags = new Float64Array(capacity);
  }

  record(lagMs: number, at: number): void {
    this.last = lagMs;
    const slot = this.written % this.capacity;
    this.at[slot] = at;
    this.lags[slot] = lagMs;
    this.written++;
  }

  /** The p-th percentile over the window ending at `now`, or undefined when nothing was applied in it. */
  percentile(p: number, now: number): number | undefined {
    const since = now - this.windowMs;
    const held = Math.min(this.written, this.capacity);
    const recent: number[] = [];
    for (let i = 0; i < held; i++) {
      if ((this.at[i] as number) >= since) recent.push(this.lags[i] as number);
    }
    if (recent.length === 0) return undefined;
    recent.sort((a, b) => a - b);
    return recent[Math.min(recent.length - 1, Math.floor((p / 100) * recent.length))];
  }

  reset(): void {
    this.written = 0;
    this.last = undefined;
  }
}
