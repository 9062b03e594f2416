/** Keeps the most recent replication lags (ms) and reports percentiles over them. */
export class LagTracker {
  private readonly samples: number[] = [];
  private next = 0;
  last: number | undefined;

  constructor(private readonly capacity = 2048) {}

  record(lagMs: number): void {
    this.last = lagMs;
    if (this.samples.length < this.capacity) this.samples.push(lagMs);
    else this.samples[this.next] = lagMs;
    this.next = (this.next + 1) % this.capacity;
  }

  percentile(p: number): number | undefined {
    if (this.samples.length === 0) return undefined;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  }

  reset(): void {
    this.samples.length = 0;
    this.next = 0;
    this.last = undefined;
  }
}
