import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRandom, UlidSource } from './ulid';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const EPOCH_2025 = Date.parse('2025-01-01T00:00:00Z');

/** A clock that returns the given readings in turn (repeating the last one). */
function scriptedClock(readings: readonly number[]): { now(): number } {
  let index = 0;
  return { now: () => readings[Math.min(index++, readings.length - 1)] ?? EPOCH_2025 };
}

/** Clock readings that move forward, stand still and jump backwards. */
const clockReadings = fc
  .array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 }), fc.integer({ min: -10_000, max: -1 })), {
    minLength: 1,
    maxLength: 300,
  })
  .map((steps) => {
    let time = EPOCH_2025;
    return steps.map((step) => {
      time += step;
      return time;
    });
  });

describe('UlidSource', () => {
  it('issues strictly increasing, unique, well-formed ids whatever the clock does', () => {
    fc.assert(
      fc.property(clockReadings, (readings) => {
        const ids = new UlidSource(scriptedClock(readings));

        const issued = readings.map(() => ids.next());

        for (const id of issued) expect(id).toMatch(ULID);
        for (let i = 1; i < issued.length; i++) expect((issued[i - 1] ?? '') < (issued[i] ?? '')).toBe(true);
        expect(new Set(issued).size).toBe(issued.length);
      }),
      { numRuns: 200 },
    );
  });

  it('stays increasing over many ids within one frozen millisecond', () => {
    const ids = new UlidSource({ now: () => EPOCH_2025 });

    const issued = Array.from({ length: 10_000 }, () => ids.next());

    expect([...issued].sort()).toEqual(issued);
    expect(new Set(issued).size).toBe(issued.length);
  });

  it('encodes the clock in the first ten characters, so ids sort by creation time', () => {
    const first = new UlidSource({ now: () => 0 }).next();
    const known = new UlidSource({ now: () => 1_469_918_176_385 }).next();

    expect(first.slice(0, 10)).toBe('0000000000');
    // The ULID specification's own example timestamp.
    expect(known.slice(0, 10)).toBe('01ARYZ6S41');
  });

  it('keeps the last time when the clock goes backwards instead of issuing an older id', () => {
    const ids = new UlidSource(scriptedClock([EPOCH_2025 + 1_000, EPOCH_2025]));

    const later = ids.next();
    const afterStep = ids.next();

    expect(afterStep.slice(0, 10)).toBe(later.slice(0, 10));
    expect(afterStep > later).toBe(true);
  });

  it('gives independent sources different random parts in the same millisecond', () => {
    const clock = { now: () => EPOCH_2025 };

    expect(new UlidSource(clock).next()).not.toBe(new UlidSource(clock).next());
  });

  it('encodes the random part as the 80-bit number it is, in base32', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 10, maxLength: 10 }), (bytes) => {
        const value = bytes.reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
        expect(encodeRandom(bytes)).toHaveLength(16);
        expect(
          BigInt(
            `0b${[...encodeRandom(bytes)].map((c) => ALPHABET.indexOf(c).toString(2).padStart(5, '0')).join('')}`,
          ),
        ).toBe(value);
      }),
      { numRuns: 500 },
    );
    expect(encodeRandom(new Uint8Array(10).fill(255))).toBe('ZZZZZZZZZZZZZZZZ');
  });

  it('gives every new millisecond fresh random bytes, across refills of its random pool', () => {
    let time = EPOCH_2025;
    const ids = new UlidSource({ now: () => time++ });

    const randomParts = Array.from({ length: 350 }, () => ids.next().slice(10));

    expect(new Set(randomParts).size).toBe(randomParts.length);
  });
});
