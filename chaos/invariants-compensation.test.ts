import { describe, expect, it } from 'vitest';
import type { FaultWindow } from './fault-record';
import { at, ledger, order, paid, T0 } from './invariant-fixtures';
import { checkCompensationKill, checkCompensationOneWay, checkTimeToSettle } from './invariants-compensation';
import { moneyByOrder } from './invariants-payments';
import type { ProviderFaultRecord } from './provider-faults';
import type { OrderView } from './region-reader';

/** An order whose compensation began at `began` ms and which closed at `closed` ms (timeline times). */
function compensated(
  orderId: string,
  status: string,
  began: number,
  closed: number,
  extra: Partial<OrderView> = {},
) {
  return order(orderId, status, {
    compensation: { startedAt: at(began) },
    timeline: [
      { type: 'PLACED', at: at(0) },
      { type: status, at: at(closed) },
    ],
    ...extra,
  });
}

describe('checkCompensationOneWay', () => {
  it('passes compensated orders that ended FAILED or CANCELLED', () => {
    expect(
      checkCompensationOneWay([compensated('a', 'FAILED', 1, 2), compensated('b', 'CANCELLED', 1, 2)]).passed,
    ).toBe(true);
  });

  it('fails an order confirmed after its compensation began', () => {
    const row = checkCompensationOneWay([compensated('a', 'CONFIRMED', 1, 2), order('b', 'CONFIRMED')]);
    expect(row.passed).toBe(false);
    expect(row.summary).toBe('1 orders were compensated; 1 of them did not end FAILED or CANCELLED');
  });
});

describe('checkCompensationKill', () => {
  const kill: FaultWindow = {
    region: 'us-east-1',
    from: T0 + 1_000,
    confirmedAt: T0 + 1_000,
    until: T0 + 9_000,
    detail: 'killed: true',
  };
  const check = (orders: OrderView[], entries = ledger([])) =>
    checkCompensationKill({ kill, owedAtKill: 3, orders, money: moneyByOrder(entries) });

  it('passes when the orders compensating at the kill closed and settled after the restart', () => {
    const inSaga = compensated('a', 'FAILED', 500, 9_500);
    const owing = compensated('b', 'FAILED', 100, 200, {
      settlement: { status: 'SETTLED', owed: [], since: at(200), settledAt: at(12_000) },
    });
    // Money of other orders in the ledger (a confirmed one) is none of this row's business.
    const row = check([inSaga, owing, compensated('done', 'FAILED', 100, 200)], ledger(paid('other')));
    expect(row.passed).toBe(true);
    expect(row.summary).toMatch(
      /^2 orders of us-east-1 were compensating when it was killed \(1 in their saga, 1 closed owing a settlement/,
    );
  });

  it('fails one of them taken forward, and one left holding money', () => {
    const forward = compensated('a', 'CONFIRMED', 500, 9_500);
    const holding = compensated('b', 'FAILED', 500, 9_500);
    const row = check([forward, holding], ledger(paid('b')));
    expect(row.passed).toBe(false);
    expect(row.details).toMatchObject({ count: 2 });
  });

  it('fails when nothing was compensating at the kill, or when the kill was not confirmed', () => {
    expect(check([compensated('a', 'FAILED', 2_000, 3_000), order('b', 'CONFIRMED')]).summary).toMatch(
      /^not exercised/,
    );
    const unconfirmed = checkCompensationKill({
      kill: { ...kill, confirmedAt: null },
      owedAtKill: null,
      orders: [],
      money: new Map(),
    });
    expect(unconfirmed.passed).toBe(false);
    expect(checkCompensationKill({ kill: null, owedAtKill: null, orders: [], money: new Map() }).passed).toBe(
      false,
    );
  });

  it('ignores the orders of other regions', () => {
    expect(check([compensated('a', 'FAILED', 500, 9_500, { region: 'eu-west-1' })]).summary).toMatch(
      /^not exercised/,
    );
  });
});

describe('checkTimeToSettle', () => {
  const back = T0 + 10_000;
  const fault: ProviderFaultRecord = {
    kind: 'errors',
    purpose: 'compensation outage',
    plannedDurationMs: 8_000,
    from: T0 + 2_000,
    confirmedAt: T0 + 2_000,
    until: back,
    detail: '',
  };
  const settledAt = (ms: number) =>
    order('a', 'FAILED', {
      settlement: { status: 'SETTLED', owed: [], since: at(3_000), settledAt: at(ms) },
    });

  it('reports the exact time to the last settlement or release after the provider was back', () => {
    const releasedLate = ledger([
      { type: 'authorization', amount: 10, order_id: 'b' },
      { type: 'void', amount: 10, order_id: 'b', created: back + 21_000 },
    ]);
    const result = checkTimeToSettle({
      providerBackAt: back,
      wait: { settledSeenAt: back + 22_000, remaining: [], firstLook: { at: back + 1, owed: 40 } },
      owedWhenBack: 40,
      boundMs: 90_000,
      orders: [settledAt(25_000), order('b', 'FAILED')],
      money: moneyByOrder(releasedLate),
      faults: [fault],
    });
    expect(result.row.passed).toBe(true);
    expect(result.timeToSettleMs).toBe(21_000);
    expect(result.row.summary).toBe(
      '21000 ms to the last settlement or release (all seen settled 22000 ms after); 40 orders owed when the provider was back',
    );
    expect(result.row.details).toMatchObject({
      perFault: [{ ordersOwingWhenItEnded: 1, settledMsAfter: 15_000 }],
    });
  });

  const base = { providerBackAt: back, owedWhenBack: 1, boundMs: 90_000, money: new Map(), faults: [] };

  it('fails when the last settlement came after the bound, or when not everything settled', () => {
    const late = checkTimeToSettle({
      ...base,
      wait: { settledSeenAt: back + 96_000, remaining: [], firstLook: null },
      orders: [settledAt(10_000 + 95_000)],
    });
    expect(late.row.passed).toBe(false);
    const never = checkTimeToSettle({
      ...base,
      wait: {
        settledSeenAt: null,
        remaining: [{ orderId: 'a', status: 'FAILED', problem: 'x' }],
        firstLook: null,
      },
      orders: [],
    });
    expect(never.row.passed).toBe(false);
    expect(never.timeToSettleMs).toBeNull();
    expect(checkTimeToSettle({ ...base, providerBackAt: null, wait: null, orders: [] }).row.passed).toBe(
      false,
    );
  });

  it('does not fail a run that settled in time but first looked late (it was still loading)', () => {
    const result = checkTimeToSettle({
      ...base,
      wait: { settledSeenAt: back + 100_000, remaining: [], firstLook: { at: back + 99_000, owed: 0 } },
      orders: [settledAt(10_000 + 8_000)],
    });
    expect(result.row.passed).toBe(true);
    expect(result.timeToSettleMs).toBe(8_000);
  });
});
