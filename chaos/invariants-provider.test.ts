import { describe, expect, it } from 'vitest';
import type { FaultPlan } from './fault-plan';
import { order, T0 } from './invariant-fixtures';
import { checkProviderFaults, checkTwinPairs } from './invariants-provider';
import type { ProviderFaultRecord } from './provider-faults';
import type { TwinPairRecord } from './twin-keys';

const PLAN: FaultPlan = {
  providerTrack: [
    { kind: 'kill', atMs: 0, durationMs: 3_000 },
    { kind: 'errors', atMs: 5_000, durationMs: 3_000 },
    { kind: 'latency', atMs: 9_000, durationMs: 3_000, latencyMs: 3_000 },
  ],
  compensationOutage: { durationMs: 20_000, killAfterMs: 2_000 },
  twins: [],
};

function record(
  kind: ProviderFaultRecord['kind'],
  purpose: ProviderFaultRecord['purpose'],
  overrides: Partial<ProviderFaultRecord> = {},
) {
  return {
    kind,
    purpose,
    plannedDurationMs: 3_000,
    from: T0,
    confirmedAt: T0 + 10,
    until: T0 + 3_000,
    detail: 'ok',
    ...overrides,
  };
}

const ALL = [
  record('kill', 'provider track'),
  record('errors', 'provider track'),
  record('latency', 'provider track', { latencyMs: 3_000 }),
  record('errors', 'compensation outage', { until: T0 + 20_000 }),
];

describe('checkProviderFaults', () => {
  it('passes when every planned fault was confirmed and ended', () => {
    const row = checkProviderFaults(PLAN, ALL);
    expect(row.passed).toBe(true);
    expect(row.summary).toBe('kill -9 3.0 s, 503s 3.0 s, 3000 ms latency 3.0 s, 503s 20.0 s');
  });

  it('fails a fault never confirmed, one never ended, and one never injected', () => {
    expect(
      checkProviderFaults(PLAN, [record('kill', 'provider track', { confirmedAt: null }), ...ALL.slice(1)])
        .passed,
    ).toBe(false);
    expect(
      checkProviderFaults(PLAN, [
        ...ALL.slice(0, 3),
        record('errors', 'compensation outage', { until: null }),
      ]).passed,
    ).toBe(false);
    const missing = checkProviderFaults(PLAN, ALL.slice(1));
    expect(missing.passed).toBe(false);
    expect(missing.summary).toBe('kill (provider track) never injected');
  });
});

describe('checkTwinPairs', () => {
  const pair = (key: string, kind: TwinPairRecord['kind'], ids: [string, string]): TwinPairRecord => ({
    kind,
    key,
    customer: 'alice',
    body: {} as TwinPairRecord['body'],
    ship: false,
    answers: [
      { region: 'us-east-1', sentAt: T0, status: 202, orderId: ids[0] },
      { region: 'eu-west-1', sentAt: T0 + 30, status: 202, orderId: ids[1] },
    ],
  });
  const keyed = (orderId: string, status: string, key: string, extra: Parameters<typeof order>[2] = {}) =>
    order(orderId, status, { idempotencyKey: key, ...extra });

  it('passes pairs left with the confirmed order kept, or none when both failed', () => {
    const row = checkTwinPairs(
      [pair('k1', 'one-region-has-stock', ['a', 'b']), pair('k2', 'declined', ['c', 'd'])],
      [
        keyed('a', 'CONFIRMED', 'k1'),
        keyed('b', 'FAILED', 'k1'),
        keyed('c', 'FAILED', 'k2'),
        keyed('d', 'FAILED', 'k2'),
      ],
    );
    expect(row.passed).toBe(true);
    expect(row.summary).toBe(
      '2 of 2 pairs accepted by both regions; outcomes {"one-region-has-stock: CONFIRMED+FAILED":1,"declined: FAILED+FAILED":1}; 0 pairs shipped twice before the heal, 0 returns recorded; 0 problems',
    );
  });

  it('fails a pair left with two live orders, or with its confirmed order cancelled for a failed twin', () => {
    expect(
      checkTwinPairs(
        [pair('k', 'both-can-confirm', ['a', 'b'])],
        [keyed('a', 'CONFIRMED', 'k'), keyed('b', 'CONFIRMED', 'k')],
      ).passed,
    ).toBe(false);
    const cancelled = keyed('a', 'CANCELLED', 'k', {
      duplicateOf: 'b',
      timelineTypes: ['PLACED', 'CONFIRMED', 'CANCELLED'],
    });
    expect(
      checkTwinPairs([pair('k', 'one-region-has-stock', ['a', 'b'])], [cancelled, keyed('b', 'FAILED', 'k')])
        .passed,
    ).toBe(false);
  });

  it('passes a pair shipped twice whose order not kept was returned, and fails one whose shipment was cancelled', () => {
    const shippedPair = () => {
      const shipped = pair('k', 'both-can-confirm', ['a', 'b']);
      for (const answer of shipped.answers) answer.shipment = 'shipped';
      return shipped;
    };
    const shipment = (status: 'SHIPPED' | 'RETURN_REQUESTED' | 'CANCELLED') => ({
      shipment: { shipmentId: 's', carrier: 'c', trackingNumber: 't', status },
    });
    const kept = keyed('b', 'CONFIRMED', 'k', shipment('SHIPPED'));
    const returned = keyed('a', 'CANCELLED', 'k', { duplicateOf: 'b', ...shipment('RETURN_REQUESTED') });
    const row = checkTwinPairs([shippedPair()], [returned, kept]);
    expect(row.passed).toBe(true);
    expect(row.summary).toMatch(/1 pairs shipped twice before the heal, 1 returns recorded; 0 problems$/);
    const cancelledWithCarrier = keyed('a', 'CANCELLED', 'k', { duplicateOf: 'b', ...shipment('CANCELLED') });
    const wrong = checkTwinPairs([shippedPair()], [cancelledWithCarrier, kept]);
    expect(wrong.passed).toBe(false);
    expect(JSON.stringify(wrong.details)).toMatch(/shipped a ended CANCELLED with its shipment CANCELLED/);
  });

  it('fails when no pair was accepted by both regions', () => {
    const replayed = pair('k', 'both-can-confirm', ['a', 'a']);
    const row = checkTwinPairs([replayed], [keyed('a', 'CONFIRMED', 'k')]);
    expect(row.passed).toBe(false);
    expect(row.summary).toMatch(/^not exercised/);
  });
});
