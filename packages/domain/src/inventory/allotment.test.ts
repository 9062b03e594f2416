import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Allotment,
  commit,
  emptyAllotment,
  InvalidStockOperationError,
  mergeStockLines,
  OutOfStockError,
  release,
  reserve,
  restock,
  restore,
  splitEvenly,
} from './allotment';

const operations = { reserve, release, commit, restore, restock } as const;
type OperationName = keyof typeof operations;

/** Mostly plausible quantities, with zero, negatives, fractions and non-numbers mixed in. */
const quantity = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 50 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 0 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53) },
);

const operationSequence = fc.array(
  fc.record({
    name: fc.constantFrom<OperationName>('reserve', 'release', 'commit', 'restore', 'restock'),
    quantity,
  }),
  { maxLength: 60 },
);

const allotmentState = fc
  .record({ available: fc.nat(1_000), reserved: fc.nat(1_000), sold: fc.nat(1_000) })
  .map((counts): Allotment => ({ sku: 'SKU-1', region: 'us-east-1', ...counts }));

function total(allotment: Allotment): number {
  return allotment.available + allotment.reserved + allotment.sold;
}

describe('allotment invariants', () => {
  it('keep every count a non-negative integer and change the total only by restocks, for any sequence', () => {
    fc.assert(
      fc.property(operationSequence, (sequence) => {
        let allotment = emptyAllotment('SKU-1', 'us-east-1');
        let restocked = 0;

        for (const { name, quantity } of sequence) {
          const previous = allotment;
          const snapshot = { ...previous };
          try {
            allotment = operations[name](previous, quantity);
          } catch (error) {
            const expected =
              name === 'reserve'
                ? [OutOfStockError, InvalidStockOperationError]
                : [InvalidStockOperationError];
            expect(expected.some((type) => error instanceof type)).toBe(true);
            continue;
          } finally {
            expect(previous, 'an operation never mutates its input').toEqual(snapshot);
          }
          if (name === 'restock') restocked += quantity;
        }

        for (const count of [allotment.available, allotment.reserved, allotment.sold]) {
          expect(Number.isSafeInteger(count) && count >= 0).toBe(true);
        }
        expect(total(allotment)).toBe(restocked);
        expect([allotment.sku, allotment.region]).toEqual(['SKU-1', 'us-east-1']);
      }),
    );
  });

  it('never let reserve take more than is available, and report the shortage when it refuses', () => {
    fc.assert(
      fc.property(allotmentState, fc.integer({ min: 1, max: 3_000 }), (allotment, requested) => {
        if (requested <= allotment.available) {
          expect(reserve(allotment, requested)).toEqual({
            ...allotment,
            available: allotment.available - requested,
            reserved: allotment.reserved + requested,
          });
          return;
        }
        let error: unknown;
        try {
          reserve(allotment, requested);
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(OutOfStockError);
        expect((error as OutOfStockError).shortages).toEqual([
          { sku: 'SKU-1', requested, available: allotment.available },
        ]);
      }),
    );
  });

  it('refuse to release, commit or restore more than the source count holds', () => {
    fc.assert(
      fc.property(allotmentState, fc.integer({ min: 1, max: 3_000 }), (allotment, requested) => {
        const cases: Array<[(a: Allotment, q: number) => Allotment, number]> = [
          [release, allotment.reserved],
          [commit, allotment.reserved],
          [restore, allotment.sold],
        ];
        for (const [operation, source] of cases) {
          if (requested > source)
            expect(() => operation(allotment, requested)).toThrow(InvalidStockOperationError);
          else expect(total(operation(allotment, requested))).toBe(total(allotment));
        }
      }),
    );
  });

  it('make release undo reserve and restore undo commit exactly', () => {
    fc.assert(
      fc.property(allotmentState, fc.integer({ min: 1, max: 1_000 }), (allotment, requested) => {
        fc.pre(requested <= allotment.available);
        const reserved = reserve(allotment, requested);

        expect(release(reserved, requested)).toEqual(allotment);
        expect(restore(commit(reserved, requested), requested)).toEqual(allotment);
      }),
    );
  });
});

describe('splitEvenly', () => {
  it('splits the whole quantity over every region, shares differing by at most one, larger first', () => {
    fc.assert(
      fc.property(
        fc.nat(1_000_000),
        fc.uniqueArray(fc.stringMatching(/^[a-z]{2}-[a-z]{3,5}-[1-9]$/), { minLength: 1, maxLength: 6 }),
        (quantity, regions) => {
          const split = splitEvenly(quantity, regions);
          const shares = split.map((part) => part.quantity);

          expect(split.map((part) => part.region)).toEqual(regions);
          expect(shares.reduce((sum, share) => sum + share, 0)).toBe(quantity);
          expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
          expect([...shares].sort((a, b) => b - a)).toEqual(shares);
        },
      ),
    );
  });
});

describe('mergeStockLines', () => {
  it('sums the quantities of a SKU named twice, keeping first-seen order', () => {
    expect(
      mergeStockLines([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 2 },
        { sku: 'A', quantity: 3 },
      ]),
    ).toEqual([
      { sku: 'A', quantity: 4 },
      { sku: 'B', quantity: 2 },
    ]);
  });
});
