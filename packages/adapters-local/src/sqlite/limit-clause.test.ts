import { describe, expect, it } from 'vitest';
import { limitClause } from './limit-clause';

describe('limitClause', () => {
  it('writes a whole row count into the SQL', () => {
    expect(limitClause(500)).toBe('LIMIT 500');
    expect(limitClause(0)).toBe('LIMIT 0');
  });

  it('refuses anything but a whole, non-negative count (the text goes into SQL as is)', () => {
    for (const bad of [-1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])
      expect(() => limitClause(bad)).toThrow(RangeError);
  });
});
