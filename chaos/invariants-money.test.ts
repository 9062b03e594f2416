import { describe, expect, it } from 'vitest';
import type { FinalState } from './invariant';
import { checkLedger } from './invariants-money';
import type { LedgerEntry, OrderView } from './region-reader';

function order(orderId: string, status: string): OrderView {
  return {
    orderId,
    region: 'us-east-1',
    status,
    timeline: [{ type: status, at: '2026-01-01T00:00:00Z' }],
  } as unknown as OrderView;
}

function state(orders: OrderView[], ledger: Array<Omit<LedgerEntry, 'id' | 'authorization_id'>>): FinalState {
  return {
    snapshot: {
      regions: [{ region: 'us-east-1', orders: new Map(orders.map((o) => [o.orderId, o])) }],
      transfers: { transfers: [], uncredited: [], idempotency: {} },
    },
    ledger: ledger.map((entry, index) => ({ ...entry, id: `le_${index}`, authorization_id: null })),
  } as unknown as FinalState;
}

describe('checkLedger', () => {
  it('passes one capture per CONFIRMED order', () => {
    const [row, info] = checkLedger(
      state(
        [order('o1', 'CONFIRMED')],
        [
          { type: 'authorization', amount: 10, order_id: 'o1' },
          { type: 'capture', amount: 10, order_id: 'o1' },
        ],
      ),
    );
    expect(row?.passed).toBe(true);
    expect(info?.summary).toMatch(/^0 FAILED orders/);
  });

  it('keeps a FAILED order captured then refunded in full, and counts it in the INFO row', () => {
    const [row, info] = checkLedger(
      state(
        [order('o1', 'FAILED')],
        [
          { type: 'capture', amount: 10, order_id: 'o1' },
          { type: 'refund', amount: 10, order_id: 'o1' },
        ],
      ),
    );
    expect(row?.passed).toBe(true);
    expect(info).toMatchObject({ informational: true, passed: true });
    expect(info?.summary).toMatch(/^1 FAILED orders were captured and refunded/);
  });

  it('fails a FAILED order left captured, and a CONFIRMED order captured twice or never', () => {
    expect(
      checkLedger(state([order('o1', 'FAILED')], [{ type: 'capture', amount: 10, order_id: 'o1' }]))[0]
        ?.passed,
    ).toBe(false);
    expect(
      checkLedger(
        state(
          [order('o1', 'CONFIRMED')],
          [
            { type: 'capture', amount: 10, order_id: 'o1' },
            { type: 'capture', amount: 10, order_id: 'o1' },
          ],
        ),
      )[0]?.passed,
    ).toBe(false);
    expect(checkLedger(state([order('o1', 'CONFIRMED')], []))[0]?.passed).toBe(false);
  });
});
