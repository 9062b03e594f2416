import { describe, expect, it } from 'vitest';
import { LagTracker } from './lag-tracker';

describe('LagTracker', () => {
  it('reports percentiles over the last window only, so an old burst does not linger', () => {
    const tracker = new LagTracker(60_000);
    for (let i = 0; i < 100; i++) tracker.record(5_000, 1_000);
    for (let i = 0; i < 10; i++) tracker.record(10, 50_000);

    expect(tracker.percentile(99, 55_000)).toBe(5_000);
    // A minute after the burst only the recent, small lags remain.
    expect(tracker.percentile(99, 70_000)).toBe(10);
    expect(tracker.percentile(50, 120_000)).toBeUndefined();
    expect(tracker.last).toBe(10);
  });

  it('counts every change applied in the window, however many arrive', () => {
    const tracker = new LagTracker(60_000);
    for (let i = 0; i < 5_000; i++) tracker.record(900, 1_000);
    for (let i = 0; i < 4_096; i++) tracker.record(1, 1_500);

    // 5,000 of the 9,096 changes lagged 900 ms: the median is one of them.
    expect(tracker.percentile(50, 2_000)).toBe(900);
    expect(tracker.percentile(40, 2_000)).toBe(1);
    expect(tracker.max(2_000)).toBe(900);
    tracker.reset();
    expect(tracker.percentile(50, 2_000)).toBeUndefined();
    expect(tracker.max(2_000)).toBeUndefined();
    expect(tracker.last).toBeUndefined();
  });

  it('is exact to the millisecond up to 1,024 ms, within 1/16 above, and never above the largest lag', () => {
    const small = new LagTracker();
    for (let lag = 1; lag <= 100; lag++) small.record(lag, 10_000);
    expect(small.percentile(50, 10_000)).toBe(50);
    expect(small.percentile(99, 10_000)).toBe(99);
    expect(small.percentile(100, 10_000)).toBe(100);
    expect(small.percentile(0, 10_000)).toBe(1);

    const large = new LagTracker();
    for (const lag of [2_000, 2_010, 5_000, 70_000]) large.record(lag, 10_000);
    const p50 = large.percentile(50, 10_000) as number;
    expect(p50).toBeGreaterThanOrEqual(2_010);
    expect(p50).toBeLessThanOrEqual(2_000 * (1 + 1 / 16));
    expect(large.percentile(100, 10_000)).toBe(70_000);
    expect(large.max(10_000)).toBe(70_000);
  });

  it('forgets an old stretch of the window when its slot is reused', () => {
    const tracker = new LagTracker(60_000);
    tracker.record(700, 1_000);
    // 65 seconds later the same slot holds a new stretch of time: the old count must not come back.
    tracker.record(5, 66_000);
    expect(tracker.percentile(100, 66_000)).toBe(5);
    expect(tracker.max(66_000)).toBe(5);
  });
});
