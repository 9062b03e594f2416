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

  it('keeps only the newest samples once its capacity is reached', () => {
    const tracker = new LagTracker(60_000, 4);
    for (const lag of [900, 800, 1, 2, 3, 4]) tracker.record(lag, 1_000);
    // The two oldest (900, 800) were overwritten: the maximum is now 4.
    expect(tracker.percentile(100, 1_000)).toBe(4);
    expect(tracker.percentile(0, 1_000)).toBe(1);
    tracker.reset();
    expect(tracker.percentile(50, 1_000)).toBeUndefined();
    expect(tracker.last).toBeUndefined();
  });
});
