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
});
