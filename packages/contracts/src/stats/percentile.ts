/**
 * Percentiles by nearest rank, the one definition behind every p50/p99 Meridian reports (replication lag
 * on the status routes, the console's saga latency, the benchmarks). Zod-free, so the web app can import
 * it (`@meridian/contracts/percentile`) without bundling the schemas.
 */

/**
 * The 1-based rank of the p-th percentile among `count` values: ceil(p / 100 · count), at least 1.
 * A RangeError for a `p` outside 0–100.
 */
export function nearestRank(p: number, count: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be from 0 to 100, got ${p}`);
  // p · n first: for whole percents it is exact, where (p / 100) · n is not (0.29 · 100 = 28.999…).
  return Math.max(1, Math.ceil((p * count) / 100));
}

/**
 * The p-th percentile of some values by nearest rank: the smallest value with at least p % of the values
 * at or below it, i.e. the value of 1-based rank ceil(p / 100 · n) in ascending order. `p` is a percent
 * from 0 to 100: p100 is the largest value, and p0 (rank 0, which no value has) the smallest. Null when
 * there are no values; a RangeError for a `p` outside 0–100. The input is not changed.
 */
export function percentile(values: readonly number[], p: number): number | null {
  const rank = nearestRank(p, values.length);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[rank - 1] ?? null;
}
