import { percentile as nearestRankPercentile } from '@meridian/contracts/percentile';
import type { Order } from '../api/types';

export interface MetricsWindow {
  end: number;
  spanMs: number;
  bucketMs: number;
}

export interface Point {
  /** Bucket start, ms since the epoch. */
  t: number;
  value: number | undefined;
}

const TERMINAL = new Set(['CONFIRMED', 'FAILED', 'CANCELLED']);

/** Buckets end at `end` (not at a round time) so the newest one is complete and never reads low. */
function bucketStarts(window: MetricsWindow): number[] {
  const count = Math.ceil(window.spanMs / window.bucketMs);
  return Array.from({ length: count }, (_, index) => window.end - (count - index) * window.bucketMs);
}

function bucketOf(time: number, starts: readonly number[], bucketMs: number): number {
  const first = starts[0] ?? 0;
  const index = Math.floor((time - first) / bucketMs);
  return index >= 0 && index < starts.length ? index : -1;
}

/** Orders placed per second, per bucket, from each order's createdAt. */
export function orderRate(orders: readonly Order[], window: MetricsWindow): Point[] {
  const starts = bucketStarts(window);
  const counts = starts.map(() => 0);
  for (const order of orders) {
    const index = bucketOf(Date.parse(order.createdAt), starts, window.bucketMs);
    if (index >= 0) counts[index] = (counts[index] ?? 0) + 1;
  }
  return starts.map((t, index) => ({ t, value: (counts[index] ?? 0) / (window.bucketMs / 1000) }));
}

/** Saga latency: from PLACED to the first final timeline entry (confirmed, failed or cancelled). */
export function sagaLatencyMs(order: Order): { finishedAt: number; latencyMs: number } | undefined {
  const end = order.timeline.find((entry) => TERMINAL.has(entry.type));
  if (!end) return undefined;
  const finishedAt = Date.parse(end.at);
  return { finishedAt, latencyMs: finishedAt - Date.parse(order.createdAt) };
}

/** Nearest-rank percentile (the one definition every p50/p99 uses); no value for an empty bucket. */
export function percentile(values: readonly number[], p: number): number | undefined {
  return nearestRankPercentile(values, p) ?? undefined;
}

/** p50 and p95 saga latency per bucket of completion time; buckets with no finished order have no value. */
export function latencySeries(
  orders: readonly Order[],
  window: MetricsWindow,
): { p50: Point[]; p95: Point[] } {
  const starts = bucketStarts(window);
  const samples: number[][] = starts.map(() => []);
  for (const order of orders) {
    const latency = sagaLatencyMs(order);
    if (!latency) continue;
    const index = bucketOf(latency.finishedAt, starts, window.bucketMs);
    if (index >= 0) samples[index]?.push(latency.latencyMs);
  }
  const sorted = samples.map((values) => [...values].sort((a, b) => a - b));
  return {
    p50: starts.map((t, index) => ({ t, value: percentile(sorted[index] ?? [], 50) })),
    p95: starts.map((t, index) => ({ t, value: percentile(sorted[index] ?? [], 95) })),
  };
}
