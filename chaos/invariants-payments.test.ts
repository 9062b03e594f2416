import { describe, expect, it } from 'vitest';
import { at, ledger, order, paid, state } from './invariant-fixtures';
import {
  checkLedger,
  confirmedOrderProblems,
  moneyByOrder,
  unsettledClosedOrders,
} from './invariants-payments';

describe('moneyByOrder', () => {
  it('sums captures and refunds and finds the authorizations neither captured nor voided', () => {
    const money = moneyByOrder(
      ledger([
        ...paid('o1'),
        { type: 'refund', amount: 4, order_id: 'o1' },
        { type: 'authorization', amount: 10, order_id: 'o2' },
        { type: 'authorization', amount: 10, order_id: 'o3' },
        { type: 'void', amount: 10, order_id: 'o3' },
      ]),
    );
    expect(money.get('o1')).toMatchObject({ captures: 1, captured: 10, refunded: 4, liveAuthorizations: [] });
    expect(money.get('o2')?.liveAuthorizations).toEqual(['au_o2']);
    expect(money.get('o3')?.liveAuthorizations).toEqual([]);
  });
});

describe('unsettledClosedOrders', () => {
  it('accepts a FAILED order whose capture was refunded and one whose authorization was voided', () => {
    const entries = ledger([
      ...paid('o1'),
      { type: 'refund', amount: 10, order_id: 'o1' },
      { type: 'authorization', amount: 10, order_id: 'o2' },
      { type: 'void', amount: 10, order_id: 'o2' },
    ]);
    expect(
      unsettledClosedOrders([order('o1', 'FAILED'), order('o2', 'CANCELLED')], moneyByOrder(entries)),
    ).toEqual([]);
  });

  it('names a closed order left with a net capture, a live authorization or a settlement still owed', () => {
    const entries = ledger([
      ...paid('o1'),
      { type: 'refund', amount: 4, order_id: 'o1' },
      { type: 'authorization', amount: 10, order_id: 'o2' },
    ]);
    const owing = order('o3', 'FAILED', {
      settlement: { status: 'PENDING', owed: ['voidPayment'], since: at(0) },
    });
    const problems = unsettledClosedOrders(
      [order('o1', 'FAILED'), order('o2', 'CANCELLED'), owing],
      moneyByOrder(entries),
    );
    expect(problems.map((problem) => [problem.orderId, problem.problem])).toEqual([
      ['o1', 'net capture 6 (captured 10, refunded 4)'],
      ['o2', 'live authorization au_o2'],
      ['o3', 'settlement owes voidPayment'],
    ]);
  });

  it('names money held for an order no region knows', () => {
    const problems = unsettledClosedOrders(
      [],
      moneyByOrder(ledger([{ type: 'authorization', amount: 10, order_id: 'ghost' }])),
    );
    expect(problems).toEqual([
      {
        orderId: 'ghost',
        status: 'unknown to every region',
        problem: 'net capture 0, 1 live authorizations',
      },
    ]);
  });

  it('leaves CONFIRMED and PENDING orders to their own checks', () => {
    const entries = ledger([...paid('o1'), { type: 'authorization', amount: 10, order_id: 'o2' }]);
    expect(
      unsettledClosedOrders([order('o1', 'CONFIRMED'), order('o2', 'PENDING')], moneyByOrder(entries)),
    ).toEqual([]);
  });
});

describe('confirmedOrderProblems', () => {
  const money = (entries: Parameters<typeof ledger>[0]) => moneyByOrder(ledger(entries)).get('o1');

  it('accepts one capture and a shipment that was created or shipped', () => {
    expect(confirmedOrderProblems(order('o1', 'CONFIRMED'), money(paid('o1')))).toEqual([]);
    const shipped = order('o1', 'CONFIRMED', {
      shipment: { shipmentId: 's', carrier: 'c', trackingNumber: 't', status: 'SHIPPED' },
    });
    expect(confirmedOrderProblems(shipped, money(paid('o1')))).toEqual([]);
  });

  it('refuses a confirmed order charged twice, refunded, never captured, or whose shipment is cancelled', () => {
    expect(
      confirmedOrderProblems(
        order('o1', 'CONFIRMED'),
        money([...paid('o1'), { type: 'capture', amount: 10, order_id: 'o1' }]),
      ),
    ).toEqual(['2 captures']);
    expect(
      confirmedOrderProblems(
        order('o1', 'CONFIRMED'),
        money([...paid('o1'), { type: 'refund', amount: 10, order_id: 'o1' }]),
      ),
    ).toEqual(['10 refunded']);
    expect(
      confirmedOrderProblems(
        order('o1', 'CONFIRMED'),
        money([{ type: 'authorization', amount: 10, order_id: 'o1' }]),
      ),
    ).toEqual(['0 captures', 'live authorization au_o1']);
    const cancelledShipment = order('o1', 'CONFIRMED', {
      shipment: { shipmentId: 's', carrier: 'c', trackingNumber: 't', status: 'CANCELLED' },
    });
    expect(confirmedOrderProblems(cancelledShipment, money(paid('o1')))).toEqual(['shipment CANCELLED']);
    expect(
      confirmedOrderProblems(order('o1', 'CONFIRMED', { shipment: undefined }), money(paid('o1'))),
    ).toEqual(['no shipment']);
  });
});

describe('checkLedger', () => {
  it('passes a run where every order is settled, counting what closed orders owed and what was captured then refunded', () => {
    const owedThenSettled = order('o2', 'FAILED', {
      settlement: { status: 'SETTLED', owed: [], since: at(0), settledAt: at(5) },
      timelineTypes: ['PLACED', 'FAILED', 'SETTLED'],
    });
    owedThenSettled.timeline[2] = { type: 'SETTLED', at: at(5), detail: 'refundPayment' };
    const [confirmed, closed, info] = checkLedger(
      state(
        [order('o1', 'CONFIRMED'), owedThenSettled],
        ledger([...paid('o1'), ...paid('o2'), { type: 'refund', amount: 10, order_id: 'o2' }]),
      ),
    );
    expect(confirmed?.passed).toBe(true);
    expect(closed?.passed).toBe(true);
    expect(closed?.summary).toMatch(
      /^1 closed orders, 1 of them owed a compensation when they closed and settled later/,
    );
    expect(info).toMatchObject({ informational: true });
    expect(info?.summary).toMatch(
      /owed when closing: \{"refundPayment":1\}.*1 FAILED orders were captured and refunded/,
    );
  });

  it('fails on a cancelled order still holding an authorization, and on a confirmed order with its shipment cancelled', () => {
    const rows = checkLedger(
      state(
        [
          order('o1', 'CONFIRMED', {
            shipment: { shipmentId: 's', carrier: 'c', trackingNumber: 't', status: 'CANCELLED' },
          }),
          order('o2', 'CANCELLED'),
        ],
        ledger([...paid('o1'), { type: 'authorization', amount: 10, order_id: 'o2' }]),
      ),
    );
    expect(rows[0]?.passed).toBe(false);
    expect(rows[1]?.passed).toBe(false);
  });
});
