import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff';

const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

describe('bus retry backoff (full jitter)', () => {
  it('draws uniformly below the doubling ceiling, capped at maxDelayMs', () => {
    const highest = () => 1;
    expect([1, 2, 3, 4, 5, 40].map((failed) => backoffDelayMs(failed, policy, highest))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  it('keeps a draw outside [0, 1] within the ceiling', () => {
    expect(backoffDelayMs(2, policy, () => 7)).toBe(200);
    expect(backoffDelayMs(2, policy, () => -1)).toBe(0);
  });

  it('waits nothing, never NaN, with a zero base after many failures', () => {
    expect(backoffDelayMs(2_000, { maxAttempts: 3_000, baseDelayMs: 0, maxDelayMs: 0 }, () => 0.5)).toBe(0);
  });
});
