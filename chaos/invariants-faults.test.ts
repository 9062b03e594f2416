import { describe, expect, it } from 'vitest';
import type { FaultWindow, LinkSwitch, OutageRead, PhaseWindow } from './fault-record';
import { checkFailover, checkLinkSwitches, checkLoad } from './invariants-faults';
import { checkInFlightAtKill } from './invariants-in-flight';
import type { AcknowledgedOrder, Attempt, UnfinishedOrder } from './load-generator';
import type { OrderView } from './region-reader';

const REGIONS = ['us-east-1', 'eu-west-1'];
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function ack(orderId: string, ackAt: number, answeredBy: string, key = orderId): AcknowledgedOrder {
  return {
    key,
    customer: 'alice',
    orderId,
    answeredBy,
    paymentMethod: 'pm_card_visa',
    items: [{ sku: 'MUG-001', quantity: 1 }],
    firstAttemptAt: ackAt - 5,
    ackAt,
    attempts: 1,
    replayed: false,
  };
}

const kill = (overrides: Partial<FaultWindow> = {}): FaultWindow => ({
  region: 'us-east-1',
  from: T0 + 10_000,
  confirmedAt: T0 + 10_050,
  until: T0 + 25_000,
  detail: 'killed: true, pid 42',
  ...overrides,
});

describe('checkFailover', () => {
  const check = (fault: FaultWindow | null, acks: AcknowledgedOrder[]) =>
    checkFailover('failed over', 'kill -9', fault, acks, REGIONS);

  it('passes on a 202 from a named surviving region while the region is down', () => {
    const result = check(kill(), [ack('a', T0 + 9_000, 'us-east-1'), ack('b', T0 + 10_200, 'eu-west-1')]);
    expect(result.row.passed).toBe(true);
    expect(result.failoverMs).toBe(200);
  });

  it('does not count a reply without a region header', () => {
    const result = check(kill(), [ack('b', T0 + 10_200, 'unknown')]);
    expect(result.row.passed).toBe(false);
    expect(result.row.summary).toMatch(/no 202 from a named surviving region/);
  });

  it('does not count an answer from the other region after the restart', () => {
    const result = check(kill(), [ack('b', T0 + 25_000, 'eu-west-1'), ack('c', T0 + 60_000, 'eu-west-1')]);
    expect(result.row.passed).toBe(false);
  });

  it('does not count answers from the killed region itself or a region outside the run', () => {
    expect(check(kill(), [ack('b', T0 + 10_100, 'us-east-1')]).row.passed).toBe(false);
    expect(check(kill(), [ack('b', T0 + 10_100, 'ap-southeast-2')]).row.passed).toBe(false);
  });

  it('fails when the kill was not confirmed, whatever answered', () => {
    const result = check(kill({ confirmedAt: null, detail: 'killed: false, pid none' }), [
      ack('b', T0 + 10_200, 'eu-west-1'),
    ]);
    expect(result.row.passed).toBe(false);
    expect(result.row.summary).toMatch(/not confirmed: killed: false/);
  });

  it('fails when there was no kill or no end to it', () => {
    expect(check(null, []).row.passed).toBe(false);
    expect(check(kill({ until: null }), [ack('b', T0 + 10_200, 'eu-west-1')]).row.passed).toBe(false);
  });
});

describe('checkLinkSwitches', () => {
  const good = (): LinkSwitch[] => [
    {
      action: 'cut',
      expected: 'cut',
      answer: { link: 'cut', regions: REGIONS.map((region) => ({ region, ok: true })) },
      readBack: { 'us-east-1': 'cut', 'eu-west-1': 'cut' },
    },
    {
      action: 'heal',
      expected: 'up',
      answer: { link: 'up', regions: REGIONS.map((region) => ({ region, ok: true })) },
      readBack: { 'us-east-1': 'up', 'eu-west-1': 'up' },
    },
  ];

  it('passes when every region took the cut and the heal', () => {
    expect(checkLinkSwitches(REGIONS, good()).passed).toBe(true);
  });

  it('fails on a region answering ok: false', () => {
    const switches = good();
    const cut = switches[0] as LinkSwitch;
    cut.answer = {
      link: 'cut',
      regions: [
        { region: 'us-east-1', ok: true },
        { region: 'eu-west-1', ok: false },
      ],
    };
    const row = checkLinkSwitches(REGIONS, switches);
    expect(row.passed).toBe(false);
    expect(row.summary).toMatch(/cut: eu-west-1 did not accept the switch/);
  });

  it('fails on a region the control server did not reach (not running)', () => {
    const switches = good();
    const heal = switches[1] as LinkSwitch;
    heal.answer = { link: 'up', regions: [{ region: 'eu-west-1', ok: true }] };
    expect(checkLinkSwitches(REGIONS, switches).summary).toMatch(/heal: us-east-1 not reached/);
  });

  it('fails when a region still reports the old link state, or the request failed, or a switch is missing', () => {
    const stale = good();
    (stale[1] as LinkSwitch).readBack['us-east-1'] = 'cut';
    expect(checkLinkSwitches(REGIONS, stale).passed).toBe(false);
    const failed = good();
    (failed[0] as LinkSwitch).error = 'control /link/cut failed: timeout';
    expect(checkLinkSwitches(REGIONS, failed).passed).toBe(false);
    expect(checkLinkSwitches(REGIONS, good().slice(0, 1)).summary).toMatch(/never heal/);
  });
});

describe('checkLoad', () => {
  const windows: PhaseWindow[] = [
    { name: 'warm-up', from: T0, until: T0 + 10_000 },
    { name: 'region down', from: T0 + 10_000, until: T0 + 20_000 },
  ];
  const steady = (count: number, from: number, until: number) =>
    Array.from({ length: count }, (_, i) =>
      ack(`o${from}-${i}`, from + Math.floor(((until - from) * i) / count), 'eu-west-1'),
    );
  const input = (
    acknowledged: AcknowledgedOrder[],
    extra: Partial<Parameters<typeof checkLoad>[0]> = {},
  ) => ({
    acknowledged,
    unfinished: [] as UnfinishedOrder[],
    attemptsByKey: new Map<string, Attempt[]>(),
    windows,
    ordersPerSecond: 30,
    minAcknowledged: 100,
    minPhaseShare: 0.2,
    ...extra,
  });

  it('passes with steady load in every phase and no refusal', () => {
    const rows = checkLoad(
      input([...steady(300, T0, T0 + 10_000), ...steady(300, T0 + 10_000, T0 + 20_000)]),
    );
    expect(rows.map((row) => row.passed)).toEqual([true, true]);
  });

  it('fails with no acknowledged order at all', () => {
    const [load] = checkLoad(input([]));
    expect(load?.passed).toBe(false);
    expect(load?.summary).toMatch(/^0 acknowledged \(minimum 100\)/);
  });

  it('fails when a phase served (almost) nothing, even with enough orders overall', () => {
    const [load] = checkLoad(
      input([...steady(600, T0, T0 + 10_000), ...steady(5, T0 + 10_000, T0 + 20_000)]),
    );
    expect(load?.passed).toBe(false);
    expect(load?.summary).toMatch(/region down 5\/≥60/);
  });

  it('fails when no phase was recorded', () => {
    expect(checkLoad(input(steady(600, T0, T0 + 10_000), { windows: [] }))[0]?.passed).toBe(false);
  });

  it('fails on keys refused for good with a 4xx, and on unexplained retryable 4xx', () => {
    const acknowledged = [...steady(300, T0, T0 + 10_000), ...steady(300, T0 + 10_000, T0 + 20_000)];
    const refused: UnfinishedOrder = {
      key: 'k1',
      customer: 'bob',
      attempts: [{ at: T0, outcome: '400 {"code":"invalid_request"}' }],
      reason: 'rejected',
    };
    expect(checkLoad(input(acknowledged, { unfinished: [refused] }))[1]?.passed).toBe(false);
    const busy = new Map<string, Attempt[]>([['k2', [{ at: T0, outcome: '409' }]]]);
    expect(checkLoad(input(acknowledged, { attemptsByKey: busy }))[1]?.passed).toBe(false);
    // The same 409 on a key acknowledged later is explained.
    const explained = [...acknowledged, ack('late', T0 + 15_000, 'eu-west-1', 'k2')];
    expect(checkLoad(input(explained, { attemptsByKey: busy }))[1]?.passed).toBe(true);
  });
});

describe('checkInFlightAtKill', () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  function order(id: string, createdAt: number, status: string, terminalAt?: number): OrderView {
    return {
      orderId: id,
      region: 'us-east-1',
      status,
      createdAt: iso(createdAt),
      updatedAt: iso(terminalAt ?? createdAt),
      timeline: [
        { type: 'PLACED', at: iso(createdAt) },
        ...(terminalAt === undefined ? [] : [{ type: status, at: iso(terminalAt) }]),
      ],
    } as unknown as OrderView;
  }
  const id = (n: number) => `ord_${n}_us-east-1`;
  const both = (orders: OrderView[]) =>
    REGIONS.map((region) => ({ region, orders: new Map(orders.map((o) => [o.orderId, o])) }));
  const read = (found: Record<string, string>, overrides: Partial<OutageRead> = {}): OutageRead[] => [
    { region: 'eu-west-1', startedAt: T0 + 10_100, finishedAt: T0 + 10_300, found, ...overrides },
  ];
  const check = (
    finalOrders: OrderView[],
    outage: OutageRead[],
    acks = finalOrders.map((o) => ack(o.orderId, Date.parse(o.createdAt) + 3, 'us-east-1')),
    fault: FaultWindow | null = kill(),
  ) =>
    checkInFlightAtKill({
      kill: fault,
      regions: REGIONS,
      acknowledged: acks,
      outageReads: outage,
      finalRegions: both(finalOrders),
      graceMs: 1000,
    });

  it('passes when the in-flight orders were read from the survivor and finished after the restart', () => {
    const rows = check(
      [order(id(1), T0 + 5_000, 'CONFIRMED', T0 + 6_000), order(id(2), T0 + 8_000, 'CONFIRMED', T0 + 26_000)],
      read({ [id(1)]: 'CONFIRMED', [id(2)]: 'PENDING' }),
    );
    expect(rows.map((row) => row.passed)).toEqual([true, true]);
    expect(rows[0]?.summary).toMatch(/^1 acknowledged orders of us-east-1 in flight at the kill; 1 read/);
  });

  it('fails as not exercised when nothing was in flight', () => {
    const rows = check([order(id(1), T0 + 5_000, 'CONFIRMED', T0 + 6_000)], read({ [id(1)]: 'CONFIRMED' }));
    expect(rows.map((row) => row.passed)).toEqual([false, false]);
    expect(rows[0]?.summary).toMatch(/^not exercised/);
  });

  it('fails when an order accepted well before the kill was not found on the survivor', () => {
    const rows = check([order(id(2), T0 + 8_000, 'CONFIRMED', T0 + 26_000)], read({}));
    expect(rows[0]?.passed).toBe(false);
    expect(rows[0]?.summary).toMatch(/1 missing/);
  });

  it('only counts an order accepted within the grace period and not yet replicated', () => {
    const rows = check(
      [order(id(2), T0 + 8_000, 'CONFIRMED', T0 + 26_000), order(id(3), T0 + 9_800, 'FAILED', T0 + 27_000)],
      read({ [id(2)]: 'PENDING' }),
    );
    expect(rows.map((row) => row.passed)).toEqual([true, true]);
    expect(rows[0]?.summary).toMatch(/0 missing, 1 not replicated yet/);
  });

  it('fails when the survivor could not be read', () => {
    const rows = check([order(id(2), T0 + 8_000, 'CONFIRMED', T0 + 26_000)], read({}, { error: 'timeout' }));
    expect(rows[0]?.summary).toMatch(/could not be read during the outage: timeout/);
  });

  it('fails when an in-flight order is still not terminal, or was finished while its region was down', () => {
    const pending = check([order(id(2), T0 + 8_000, 'PENDING')], read({ [id(2)]: 'PENDING' }));
    expect(pending[1]?.passed).toBe(false);
    expect(pending[1]?.summary).toMatch(/0 of 1 finished/);
    const early = check([order(id(2), T0 + 8_000, 'CONFIRMED', T0 + 15_000)], read({ [id(2)]: 'PENDING' }));
    expect(early[1]?.passed).toBe(false);
    expect(JSON.stringify(early[1]?.details)).toMatch(/while us-east-1 was down/);
  });

  it('fails when the kill was not confirmed', () => {
    const rows = check(
      [order(id(2), T0 + 8_000, 'CONFIRMED', T0 + 26_000)],
      read({ [id(2)]: 'PENDING' }),
      undefined,
      kill({ confirmedAt: null, detail: 'killed: false, pid none' }),
    );
    expect(rows.map((row) => row.passed)).toEqual([false, false]);
  });
});
