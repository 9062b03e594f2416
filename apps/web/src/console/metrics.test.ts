import { describe, expect, it } from 'vitest';
import { order } from '../test-support/fixtures';
import { latencySeries, orderRate, percentile, sagaLatencyMs } from './metrics';

const end = Date.parse('2026-01-01T10:01:00.000Z');
const window = { end, spanMs: 60_000, bucketMs: 10_000 };

function finished(createdAt: string, latencyMs: number, type = 'CONFIRMED') {
  const placed = Date.parse(createdAt);
  return order({
    createdAt,
    status: type === 'CONFIRMED' ? 'CONFIRMED' : 'FAILED',
    timeline: [
      { type: 'PLACED', at: createdAt },
      { type, at: new Date(placed + latencyMs).toISOString() },
      { type: 'SHIPPED', at: new Date(placed + 999_000).toISOString() },
    ],
  });
}

describe('console metrics', () => {
  it('counts orders per second in fixed buckets and ignores orders outside the window', () => {
    const orders = [
      order({ createdAt: '2026-01-01T10:00:51.000Z' }),
      order({ createdAt: '2026-01-01T10:00:55.000Z' }),
      order({ createdAt: '2026-01-01T10:00:05.000Z' }),
      order({ createdAt: '2026-01-01T09:50:00.000Z' }),
    ];
    const rate = orderRate(orders, window);
    expect(rate).toHaveLength(6);
    expect(rate.map((p) => p.value)).toEqual([0.1, 0, 0, 0, 0, 0.2]);
    expect(rate.at(-1)?.t).toBe(Date.parse('2026-01-01T10:00:50.000Z'));
  });

  it('measures saga latency to the first final step, not to later updates such as shipping', () => {
    expect(sagaLatencyMs(finished('2026-01-01T10:00:00.000Z', 240))?.latencyMs).toBe(240);
    expect(sagaLatencyMs(order())).toBeUndefined();
  });

  it('reports p50 and p95 per bucket and leaves buckets without finished orders empty', () => {
    const orders = [100, 200, 300, 400].map((ms) =>
      finished('2026-01-01T10:00:41.000Z', ms, ms === 400 ? 'FAILED' : 'CONFIRMED'),
    );
    const { p50, p95 } = latencySeries(orders, window);
    expect(p50.map((p) => p.value)).toEqual([undefined, undefined, undefined, undefined, 200, undefined]);
    expect(p95[4]?.value).toBe(400);
    expect(percentile([], 50)).toBeUndefined();
  });
});
