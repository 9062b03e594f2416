import { describe, expect, it } from 'vitest';
import { Prng } from './prng';

describe('Prng', () => {
  it('draws the same sequence from the same seed and label, another from another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, () => new Prng(seed, 'x').next32());
    const a = new Prng(7, 'faults');
    const b = new Prng(7, 'faults');
    const c = new Prng(8, 'faults');
    const fromA = Array.from({ length: 20 }, () => a.next32());
    expect(Array.from({ length: 20 }, () => b.next32())).toEqual(fromA);
    expect(Array.from({ length: 20 }, () => c.next32())).not.toEqual(fromA);
    expect(draw(1)).toEqual(draw(1));
  });

  it('forks a stream that does not depend on what the parent drew before', () => {
    const fresh = new Prng(42).fork('network');
    const used = new Prng(42);
    for (let i = 0; i < 100; i++) used.float();
    const forkedLater = used.fork('network');
    expect(Array.from({ length: 10 }, () => forkedLater.float())).toEqual(
      Array.from({ length: 10 }, () => fresh.float()),
    );
    expect(new Prng(42).fork('clients').float()).not.toBe(new Prng(42).fork('network').float());
  });

  it('keeps draws in their ranges', () => {
    const prng = new Prng(3);
    for (let i = 0; i < 1000; i++) {
      const value = prng.int(2, 5);
      expect(value).toBeGreaterThanOrEqual(2);
      expect(value).toBeLessThanOrEqual(5);
      const float = prng.float();
      expect(float).toBeGreaterThanOrEqual(0);
      expect(float).toBeLessThan(1);
      const spread = prng.logUniform(10, 1000);
      expect(spread).toBeGreaterThanOrEqual(10);
      expect(spread).toBeLessThanOrEqual(1000);
    }
  });
});
