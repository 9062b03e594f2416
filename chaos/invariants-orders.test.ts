import { describe, expect, it } from 'vitest';
import { ledger, order, paid, state } from './invariant-fixtures';
import { checkCancelledOnlyAsDuplicates, checkOneLiveOrderPerKey } from './invariants-orders';

const keyed = (orderId: string, status: string, key: string, extra: Parameters<typeof order>[2] = {}) =>
  order(orderId, status, { idempotencyKey: key, ...extra });
const confirmedThenCancelled = ['PLACED', 'CONFIRMED', 'CANCEL_REQUESTED', 'CANCELLED'];

describe('checkOneLiveOrderPerKey', () => {
  it('passes one order per key, and a key whose twin was cancelled as a duplicate of the live order', () => {
    const result = checkOneLiveOrderPerKey(
      state(
        [
          keyed('a', 'CONFIRMED', 'k1'),
          keyed('b1', 'CANCELLED', 'k2', { duplicateOf: 'b2', timelineTypes: confirmedThenCancelled }),
          keyed('b2', 'CONFIRMED', 'k2'),
        ],
        ledger([...paid('a'), ...paid('b1'), { type: 'refund', amount: 10, order_id: 'b1' }, ...paid('b2')]),
      ),
    );
    expect(result.row.passed).toBe(true);
    expect(result.duplicated).toBe(1);
    expect(result.doubleCharged).toBe(1);
    expect(result.ordersPerKey).toEqual({ '1': 1, '2': 1 });
    expect(result.row.summary).toMatch(/1 kept one confirmed order, cancelled the duplicate/);
  });

  it('passes a key whose orders all failed: nothing could succeed, so no live order is right', () => {
    const result = checkOneLiveOrderPerKey(state([keyed('a', 'FAILED', 'k'), keyed('b', 'FAILED', 'k')]));
    expect(result.row.passed).toBe(true);
    expect(result.row.summary).toMatch(/1 all failed/);
  });

  it('passes a confirmed order kept while its twin failed out of stock', () => {
    expect(
      checkOneLiveOrderPerKey(state([keyed('a', 'CONFIRMED', 'k'), keyed('b', 'FAILED', 'k')])).row.passed,
    ).toBe(true);
  });

  it('fails two live orders for one key', () => {
    const result = checkOneLiveOrderPerKey(
      state([keyed('a', 'CONFIRMED', 'k'), keyed('b', 'CONFIRMED', 'k')]),
    );
    expect(result.row.passed).toBe(false);
    expect(result.row.summary).toMatch(/^1 keys with two live orders or none/);
  });

  it('fails a key whose confirmed order was cancelled for a failed twin, leaving no live order', () => {
    const result = checkOneLiveOrderPerKey(
      state([
        keyed('a', 'CANCELLED', 'k', { duplicateOf: 'b', timelineTypes: confirmedThenCancelled }),
        keyed('b', 'FAILED', 'k'),
      ]),
    );
    expect(result.row.passed).toBe(false);
    expect(JSON.stringify(result.row.details)).toMatch(/no live order, although a was confirmed/);
  });

  it('tells the keys of different customers apart', () => {
    const bobs = keyed('b', 'CONFIRMED', 'k', { customerId: 'bob' });
    expect(checkOneLiveOrderPerKey(state([keyed('a', 'CONFIRMED', 'k'), bobs])).row.passed).toBe(true);
  });
});

describe('checkCancelledOnlyAsDuplicates', () => {
  it('passes an acknowledged order cancelled as a duplicate of a live twin of the same key', () => {
    const row = checkCancelledOnlyAsDuplicates(
      state([keyed('a', 'CANCELLED', 'k', { duplicateOf: 'b' }), keyed('b', 'CONFIRMED', 'k')], [], {
        acknowledged: [{ orderId: 'a', key: 'k' } as never],
      }),
    );
    expect(row.passed).toBe(true);
    expect(row.summary).toBe(
      '1 orders CANCELLED (the load never cancels), 1 of them acknowledged; 0 not a duplicate of a live order',
    );
  });

  it.each([
    ['not cancelled as a duplicate', [keyed('a', 'CANCELLED', 'k')], /not as a duplicate/],
    [
      'the kept twin failed',
      [keyed('a', 'CANCELLED', 'k', { duplicateOf: 'b' }), keyed('b', 'FAILED', 'k')],
      /which ended FAILED/,
    ],
    [
      'the kept twin is missing',
      [keyed('a', 'CANCELLED', 'k', { duplicateOf: 'b' })],
      /which no region holds/,
    ],
    [
      'the kept twin has another key',
      [keyed('a', 'CANCELLED', 'k', { duplicateOf: 'b' }), keyed('b', 'CONFIRMED', 'other')],
      /another customer or key/,
    ],
  ])('fails an order cancelled when %s', (_, orders, problem) => {
    const row = checkCancelledOnlyAsDuplicates(state(orders));
    expect(row.passed).toBe(false);
    expect(JSON.stringify(row.details)).toMatch(problem);
  });
});
