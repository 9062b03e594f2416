import { describe, expect, it } from 'vitest';
import { systemClock } from './system-clock';

describe('systemClock', () => {
  it("reads the machine's wall clock in epoch milliseconds", () => {
    const before = Date.now();
    const read = systemClock.now();
    const after = Date.now();
    expect(Number.isInteger(read)).toBe(true);
    expect(read).toBeGreaterThanOrEqual(before);
    expect(read).toBeLessThanOrEqual(after);
  });
});
