import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertMinorUnits,
  formatMoney,
  InvalidAmountError,
  MAX_AMOUNT_MINOR,
  multiplyMinor,
  sumMinor,
} from './money';

const amount = fc.integer({ min: 0, max: MAX_AMOUNT_MINOR });
/** Anything that is not a non-negative safe integer. */
const notMinorUnits = fc.oneof(
  fc.double({ noInteger: true }),
  fc.integer({ max: -1 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -0.5, 0.1 + 0.2),
);

describe('multiplyMinor', () => {
  it('is the exact integer product whenever it stays within the maximum', () => {
    fc.assert(
      fc.property(amount, fc.integer({ min: 0, max: 1_000 }), (unit, quantity) => {
        fc.pre(unit * quantity <= MAX_AMOUNT_MINOR);

        const total = multiplyMinor(unit, quantity);

        expect(Number.isSafeInteger(total)).toBe(true);
        expect(BigInt(total)).toBe(BigInt(unit) * BigInt(quantity));
      }),
    );
  });

  it('rejects a product above the maximum instead of returning it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_AMOUNT_MINOR }),
        fc.integer({ min: 2, max: 10_000 }),
        (unit, quantity) => {
          fc.pre(unit * quantity > MAX_AMOUNT_MINOR);
          expect(() => multiplyMinor(unit, quantity)).toThrow(InvalidAmountError);
        },
      ),
    );
  });

  it('rejects unit prices and quantities that are not non-negative safe integers', () => {
    fc.assert(
      fc.property(notMinorUnits, fc.integer({ min: 0, max: 100 }), (bad, good) => {
        expect(() => multiplyMinor(bad, good)).toThrow(InvalidAmountError);
        expect(() => multiplyMinor(good, bad)).toThrow(InvalidAmountError);
      }),
    );
  });
});

describe('sumMinor', () => {
  it('is the exact integer sum whenever it stays within the maximum', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20_000_000 }), { maxLength: 50 }), (amounts) => {
        const total = sumMinor(amounts);

        expect(Number.isSafeInteger(total)).toBe(true);
        expect(BigInt(total)).toBe(amounts.reduce((sum, a) => sum + BigInt(a), 0n));
      }),
    );
  });

  it('rejects a sum above the maximum', () => {
    fc.assert(
      fc.property(fc.array(amount, { minLength: 2, maxLength: 10 }), (amounts) => {
        fc.pre(amounts.reduce((sum, a) => sum + a, 0) > MAX_AMOUNT_MINOR);
        expect(() => sumMinor(amounts)).toThrow(InvalidAmountError);
      }),
    );
  });

  it('rejects any amount that is not a non-negative safe integer, wherever it sits', () => {
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 5 }), notMinorUnits, fc.nat(), (amounts, bad, at) => {
        const withBad = [...amounts];
        withBad.splice(at % (amounts.length + 1), 0, bad);
        expect(() => sumMinor(withBad)).toThrow(InvalidAmountError);
      }),
    );
  });

  it('sums nothing to zero', () => {
    expect(sumMinor([])).toBe(0);
  });
});

describe('assertMinorUnits', () => {
  it('accepts the bounds and rejects just beyond them', () => {
    expect(assertMinorUnits(0)).toBe(0);
    expect(assertMinorUnits(MAX_AMOUNT_MINOR)).toBe(MAX_AMOUNT_MINOR);
    expect(() => assertMinorUnits(MAX_AMOUNT_MINOR + 1)).toThrow(InvalidAmountError);
    expect(() => assertMinorUnits(-1)).toThrow(InvalidAmountError);
  });

  it('names the amount in the error', () => {
    expect(() => assertMinorUnits(1.5, 'price')).toThrow(/^price must be/);
  });
});

describe('formatMoney', () => {
  it('formats two-decimal currencies', () => {
    expect(formatMoney(1999, 'USD')).toBe('$19.99');
    expect(formatMoney(5, 'EUR')).toBe('€0.05');
    expect(formatMoney(123456789, 'USD')).toBe('$1,234,567.89');
    expect(formatMoney(100, 'GBP')).toBe('GBP 1.00');
  });

  it('round-trips every valid amount', () => {
    fc.assert(
      fc.property(amount, (minor) => {
        const digits = formatMoney(minor, 'USD').replace(/[$,.]/g, '');
        expect(Number(digits)).toBe(minor);
      }),
    );
  });
});
