import { describe, expect, it } from 'vitest';
import { ALL_FAULTS, runSeed } from './run-seed';

const run = (seed: number) =>
  runSeed({ seed, regions: 2, orders: 20, bugs: new Set(), faults: ALL_FAULTS, keepTrace: false });

describe('the simulator', () => {
  it('replays a seed exactly: the same seed gives the same trace hash, another seed another', async () => {
    const first = await run(11);
    const again = await run(11);
    const other = await run(12);

    expect(first.violations).toEqual([]);
    expect(again.hash).toBe(first.hash);
    expect(again.tasks).toBe(first.tasks);
    expect(again.simulatedMs).toBe(first.simulatedMs);
    expect(other.hash).not.toBe(first.hash);
  });

  it('keeps the same run when it also keeps the trace lines (a replay prints them)', async () => {
    const plain = await run(13);
    const traced = await runSeed({
      seed: 13,
      regions: 2,
      orders: 20,
      bugs: new Set(),
      faults: ALL_FAULTS,
      keepTrace: true,
    });

    expect(traced.hash).toBe(plain.hash);
    expect(traced.trace.length).toBeGreaterThan(100);
    expect(traced.trace.some((line) => line.includes('OrderPlaced'))).toBe(true);
  });

  it('runs three regions too', async () => {
    const result = await runSeed({
      seed: 14,
      regions: 3,
      orders: 20,
      bugs: new Set(),
      faults: ALL_FAULTS,
      keepTrace: true,
    });

    expect(result.violations).toEqual([]);
    expect(result.trace.some((line) => line.includes('ap-southeast-2'))).toBe(true);
    expect(result.acknowledged).toBeGreaterThan(0);
  });
});
