import { describe, expect, it } from 'vitest';
import { nearestRank, percentile } from './percentile';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('percentile (nearest rank)', () => {
  it('takes the value of rank ceil(p / 100 · n), counting from 1', () => {
    expect(percentile([1, 2], 50)).toBe(1);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile(oneTo(100), 99)).toBe(99);
    expect(percentile(oneTo(100), 90)).toBe(90);
    expect(percentile(oneTo(100), 50)).toBe(50);
    expect(percentile(oneTo(10), 99)).toBe(10);
    expect(percentile(oneTo(10), 25)).toBe(3);
  });

  it('does not let floating point move a whole rank', () => {
    expect(percentile(oneTo(100), 29)).toBe(29);
    expect(percentile(oneTo(100), 57)).toBe(57);
    expect(percentile(oneTo(1000), 14.3)).toBe(143);
    expect(percentile(oneTo(1000), 99.9)).toBe(999);
  });

  it('sorts its input numerically and leaves it as it was', () => {
    const values = [30, 4, 100, 2, 1];
    expect(percentile(values, 50)).toBe(4);
    expect(percentile(values, 80)).toBe(30);
    expect(values).toEqual([30, 4, 100, 2, 1]);
  });

  it('gives the largest value at p100 and the smallest at p0', () => {
    expect(percentile([5, 3, 9], 100)).toBe(9);
    expect(percentile([5, 3, 9], 0)).toBe(3);
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 100)).toBe(7);
  });

  it('is null for no values', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([], 0)).toBeNull();
    expect(percentile([], 100)).toBeNull();
  });

  it('refuses a p that is not a percent from 0 to 100', () => {
    expect(() => percentile([1, 2], -1)).toThrow(RangeError);
    expect(() => percentile([1, 2], 101)).toThrow(RangeError);
    expect(() => percentile([1, 2], Number.NaN)).toThrow(RangeError);
  });
});

describe('nearestRank', () => {
  it('is the 1-based rank a histogram walks to, at least 1', () => {
    expect(nearestRank(50, 4)).toBe(2);
    expect(nearestRank(99, 1000)).toBe(990);
    expect(nearestRank(29, 100)).toBe(29);
    expect(nearestRank(0, 10)).toBe(1);
    expect(nearestRank(100, 10)).toBe(10);
  });

  it('refuses a p outside 0–100', () => {
    expect(() => nearestRank(100.5, 10)).toThrow(RangeError);
  });
});
