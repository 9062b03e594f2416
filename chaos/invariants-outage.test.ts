import { describe, expect, it } from 'vitest';
import { at, order, T0 } from './invariant-fixtures';
import { checkInFlightAtOutage, checkOwedShownDuringOutage, type OutageLook } from './invariants-outage';
import type { AcknowledgedOrder } from './load-generator';
import { outageScenarioFromArgs } from './outage-scenario';
import type { OrderView } from './region-reader';

const ack = (orderId: string) => ({ orderId, key: orderId }) as AcknowledgedOrder;
const outageFrom = T0 + 1_000;

/** An order with these timeline entries at these ms. */
const withTimeline = (
  orderId: string,
  status: string,
  entries: Array<[string, number]>,
  extra: Partial<OrderView> = {},
) => order(orderId, status, { timeline: entries.map(([type, ms]) => ({ type, at: at(ms) })), ...extra });

describe('checkInFlightAtOutage', () => {
  it('passes when every order was acknowledged and none had finished, counting how far each had got', () => {
    const orders = new Map([
      [
        'a',
        withTimeline('a', 'FAILED', [
          ['PLACED', 0],
          ['PAYMENT_AUTHORIZED', 500],
          ['FAILED', 5_000],
        ]),
      ],
      [
        'b',
        withTimeline('b', 'FAILED', [
          ['PLACED', 0],
          ['FAILED', 4_000],
        ]),
      ],
    ]);
    const row = checkInFlightAtOutage({
      expected: 2,
      acknowledged: [ack('a'), ack('b')],
      orders,
      outageFrom,
    });
    expect(row.passed).toBe(true);
    expect(row.summary).toBe(
      '2 of 2 acknowledged; 0 had finished before the outage, 0 missing; when it began 1 were authorized, 0 captured',
    );
  });

  it('fails when an order had finished before the outage, when one is missing, or when fewer were acknowledged', () => {
    const finished = new Map([
      [
        'a',
        withTimeline('a', 'CONFIRMED', [
          ['PLACED', 0],
          ['CONFIRMED', 900],
        ]),
      ],
    ]);
    expect(
      checkInFlightAtOutage({ expected: 1, acknowledged: [ack('a')], orders: finished, outageFrom }).passed,
    ).toBe(false);
    expect(
      checkInFlightAtOutage({ expected: 1, acknowledged: [ack('a')], orders: new Map(), outageFrom }).passed,
    ).toBe(false);
    expect(
      checkInFlightAtOutage({ expected: 2, acknowledged: [], orders: new Map(), outageFrom }).passed,
    ).toBe(false);
    expect(
      checkInFlightAtOutage({ expected: 0, acknowledged: [], orders: new Map(), outageFrom: null }).passed,
    ).toBe(false);
  });
});

describe('checkOwedShownDuringOutage', () => {
  const owing = (orderId: string, payment?: OrderView['payment']) =>
    withTimeline(
      orderId,
      'FAILED',
      [
        ['PLACED', 0],
        ['FAILED', 3_000],
      ],
      {
        ...(payment ? { payment } : {}),
        settlement: { status: 'PENDING', owed: ['voidPayment'], since: at(3_000) },
      },
    );
  const look = (orders: OrderView[], owed = orders.length): OutageLook => ({
    at: T0 + 61_000,
    orders,
    owedByRegion: { 'us-east-1': { owed, oldestAgeMs: 58_000 } },
  });
  const authorized = {
    authorizationId: 'au',
    status: 'AUTHORIZED' as const,
    amountMinor: 10,
    refundedMinor: 0,
  };

  it('passes when every closed order holding money shows it owed and the status counts them', () => {
    const row = checkOwedShownDuringOutage(look([owing('a', authorized), owing('b')]), outageFrom);
    expect(row.passed).toBe(true);
    expect(row.summary).toBe(
      '60 s into the outage: 2 closed orders, 2 showing {"voidPayment":2} pending; status: us-east-1 owes 2 (oldest 58 s); 0 problems',
    );
  });

  it('fails a closed order that holds an authorization without saying it is owed', () => {
    const silent = withTimeline(
      'a',
      'FAILED',
      [
        ['PLACED', 0],
        ['FAILED', 3_000],
      ],
      { payment: authorized },
    );
    expect(checkOwedShownDuringOutage(look([silent], 0), outageFrom).passed).toBe(false);
  });

  it('fails an order that records a void while the provider is down', () => {
    const claimed = withTimeline('a', 'FAILED', [
      ['PLACED', 0],
      ['PAYMENT_VOIDED', 2_000],
      ['FAILED', 3_000],
    ]);
    const row = checkOwedShownDuringOutage(look([claimed], 0), outageFrom);
    expect(row.passed).toBe(false);
    expect(JSON.stringify(row.details)).toMatch(/PAYMENT_VOIDED at .*during the outage/);
  });

  it('fails when a region’s status does not count what its orders owe, or cannot be read', () => {
    expect(checkOwedShownDuringOutage(look([owing('a')], 3), outageFrom).passed).toBe(false);
    const unread: OutageLook = { ...look([owing('a')]), owedByRegion: { 'us-east-1': null } };
    expect(checkOwedShownDuringOutage(unread, outageFrom).passed).toBe(false);
  });
});

describe('outageScenarioFromArgs', () => {
  it('defaults to 200 orders, a 120 s kill of the provider and two regions', () => {
    expect(outageScenarioFromArgs([])).toMatchObject({
      orders: 200,
      outageMs: 120_000,
      fault: 'kill',
      regions: ['us-east-1', 'eu-west-1'],
    });
    expect(outageScenarioFromArgs(['--fault', 'errors', '--seconds', '30']).totalBudgetMs).toBe(210_000);
  });

  it.each([
    [['--fault', 'fire'], /--fault: expected kill or errors/],
    [['--orders', '0'], /--orders: expected an integer from 1 to 1000/],
    [['--seconds', '2'], /--seconds: expected an integer from 3 to 600/],
    [['--regions', 'us-east-1,us-east-1'], /named twice/],
  ])('refuses %j', (args, message) => {
    expect(() => outageScenarioFromArgs(args)).toThrow(message);
  });
});
