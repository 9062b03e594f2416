import type { EventEnvelope } from '@meridian/contracts';
import { createOrder, type Order } from '@meridian/domain';
import { describe, expect, it } from 'vitest';
import { type FinalState, type ItemRow, itemKey, type RegionState } from './final-state';
import { checkMoneyAndShipments, checkWhatCustomersAreTold } from './money';
import { checkAcknowledged, checkNotifications, checkOneLiveOrderPerKey } from './orders';
import { checkReplicas, checkStock } from './stock';

const NOW = '2030-01-01T00:00:00.000Z';

function order(id: string, changes: Partial<Order> = {}): Order {
  const base = createOrder(
    {
      orderId: `ord_${id}_us-east-1`,
      region: 'us-east-1',
      customerId: 'c01',
      idempotencyKey: 'k1',
      items: [{ sku: 'MUG-001', quantity: 1 }],
      shippingAddress: { name: 'c01', line1: '1 Main St', city: 'Town', postalCode: '12345', country: 'US' },
      paymentMethod: 'pm_card_visa',
      now: NOW,
    },
    new Map([
      [
        'MUG-001',
        {
          sku: 'MUG-001',
          name: 'Mug',
          description: '',
          priceMinor: 1000,
          currency: 'USD',
          active: true,
          category: 'c',
          createdAt: NOW,
          updatedAt: NOW,
        },
      ],
    ]),
  );
  return { ...base, ...changes };
}

function row(pk: string, sk: string, data: object, version = 1): ItemRow {
  return {
    pk,
    sk,
    data: JSON.stringify(data),
    version,
    updatedAt: 1,
    writerRegion: 'us-east-1',
    gsi1pk: null,
    gsi1sk: null,
    gsi2pk: null,
    gsi2sk: null,
  };
}

function region(name: string, orders: Order[], extra: ItemRow[] = []): RegionState {
  const rows = [...orders.map((o) => row(`ORDER#${o.orderId}`, 'ORDER', o)), ...extra];
  return {
    name,
    items: new Map(rows.map((r) => [itemKey(r), r])),
    orders: orders.filter((o) => o.region === name),
    archivedOwnEvents: [],
    deadLetters: 0,
  };
}

function state(regions: RegionState[], changes: Partial<FinalState> = {}): FinalState {
  return {
    regions,
    authorizations: [],
    ledger: [],
    bookings: [],
    acknowledged: [],
    supplyKnown: new Map(),
    ...changes,
  };
}

const confirmed = (id: string, changes: Partial<Order> = {}) =>
  order(id, {
    status: 'CONFIRMED',
    inventory: 'COMMITTED',
    payment: { authorizationId: `auth_${id}`, status: 'CAPTURED', amountMinor: 1499, refundedMinor: 0 },
    shipment: { shipmentId: `shp_${id}`, carrier: 'Meridian Post', trackingNumber: 't', status: 'CREATED' },
    timeline: [
      { type: 'PLACED', at: NOW },
      { type: 'CONFIRMED', at: NOW },
    ],
    ...changes,
  });

describe('the invariants', () => {
  it('find an acknowledged order that no region holds, and one missing from a replica', () => {
    const kept = order('A');
    const result = checkAcknowledged(
      state([region('us-east-1', [kept]), region('eu-west-1', [])], {
        acknowledged: [
          { key: 'k1', customerId: 'c01', orderId: kept.orderId, answeredBy: 'us-east-1', at: 0 },
          { key: 'k2', customerId: 'c01', orderId: 'ord_B_us-east-1', answeredBy: 'us-east-1', at: 0 },
        ],
      }),
    );
    expect(result.map((v) => v.detail)).toEqual([
      `${kept.orderId} (key k1) missing in eu-west-1`,
      'ord_B_us-east-1 (key k2, answered by us-east-1) is not in its region',
    ]);
  });

  it('find two confirmed orders for one key, and a key whose confirmed order was cancelled for a failed twin', () => {
    const twice = checkOneLiveOrderPerKey(state([region('us-east-1', [confirmed('A'), confirmed('B')])]));
    const cancelled = confirmed('C', {
      status: 'CANCELLED',
      cancelRequested: true,
      duplicateOf: 'ord_D_eu-west-1',
    });
    const failedTwin = order('D', { status: 'FAILED', orderId: 'ord_D_eu-west-1', region: 'eu-west-1' });
    const lost = checkOneLiveOrderPerKey(
      state([region('us-east-1', [cancelled]), region('eu-west-1', [failedTwin])]),
    );
    const customerCancelled = checkOneLiveOrderPerKey(
      state([region('us-east-1', [confirmed('E', { status: 'CANCELLED', cancelRequested: true })])]),
    );

    expect(twice.map((v) => v.detail)).toEqual([
      expect.stringContaining('us-east-1 accepted it more than once'),
      expect.stringContaining('2 CONFIRMED orders'),
    ]);
    expect(lost[0]?.detail).toContain('an order was confirmed but none is kept');
    expect(customerCancelled).toEqual([]);
  });

  it('check money and parcels against the provider and the carrier', () => {
    const good = confirmed('A');
    const failed = order('B', { status: 'FAILED' });
    const result = checkMoneyAndShipments(
      state([region('us-east-1', [good, failed])], {
        authorizations: [
          {
            id: 'auth_A',
            orderId: good.orderId,
            amount: 1499,
            status: 'captured',
            captured: 1499,
            refunded: 0,
          },
          {
            id: 'auth_B',
            orderId: failed.orderId,
            amount: 1499,
            status: 'authorized',
            captured: 0,
            refunded: 0,
          },
          {
            id: 'auth_X',
            orderId: 'ord_X_us-east-1',
            amount: 10,
            status: 'captured',
            captured: 10,
            refunded: 0,
          },
        ],
        ledger: [{ orderId: good.orderId, type: 'capture', amount: 1499, authorizationId: 'auth_A' }],
        bookings: [
          {
            orderId: good.orderId,
            idempotencyKey: `${good.orderId}:CreateShipment`,
            shipmentId: 'shp_A',
            carrier: 'Meridian Post',
            trackingNumber: 't',
            status: 'BOOKED',
          },
        ],
      }),
    );
    expect(result.map((v) => v.detail)).toEqual([
      `${failed.orderId} FAILED: 1 live authorizations`,
      'ord_X_us-east-1, unknown to every region: 0 live authorizations, net capture 10',
    ]);
  });

  it('find a customer told "not charged" about an order the provider captured', () => {
    const cancelled = order('A', { status: 'CANCELLED', cancelRequested: true });
    const note = (body: string, eventType = 'OrderCancelled') =>
      row(`NOTIFICATION#${body.length}`, 'NOTIFICATION', { orderId: cancelled.orderId, eventType, body });
    const result = checkWhatCustomersAreTold(
      state(
        [region('us-east-1', [cancelled], [note('Your order was cancelled. You have not been charged.')])],
        {
          ledger: [{ orderId: cancelled.orderId, type: 'capture', amount: 1499, authorizationId: 'auth_A' }],
        },
      ),
    );
    const truthful = checkWhatCustomersAreTold(
      state([region('us-east-1', [cancelled], [note('Your order was cancelled. $14.99 was refunded.')])], {
        ledger: [
          { orderId: cancelled.orderId, type: 'capture', amount: 1499, authorizationId: 'auth_A' },
          { orderId: cancelled.orderId, type: 'refund', amount: 1499, authorizationId: 'auth_A' },
        ],
      }),
    );

    expect(result[0]?.detail).toContain('but the provider captured it');
    expect(truthful).toEqual([]);
  });

  it('find a confirmed order without its capture or booking', () => {
    const result = checkMoneyAndShipments(state([region('us-east-1', [confirmed('A')])]));
    expect(result[0]?.detail).toBe(
      'ord_A_us-east-1 CONFIRMED: 0 captures; net capture 0, total 1499; 0 live bookings at the carrier',
    );
  });

  it('balance stock: supplied = held + in transit, nothing reserved, sold = units kept by orders', () => {
    const allotment = (available: number, reserved: number, sold: number) =>
      row('STOCK#MUG-001', 'ALLOTMENT#us-east-1', {
        sku: 'MUG-001',
        region: 'us-east-1',
        available,
        reserved,
        sold,
      });
    const supplied = row('STOCK#MUG-001', 'CREDIT#restock_initial-MUG-001_us-east-1', {
      transferId: 'restock_initial-MUG-001_us-east-1',
      quantity: 5,
    });
    const known = new Map([['MUG-001', { atLeast: 5, atMost: 5 }]]);
    const balanced = checkStock(
      state([region('us-east-1', [confirmed('A')], [allotment(4, 0, 1), supplied])], { supplyKnown: known }),
    );
    const leaky = checkStock(
      state([region('us-east-1', [confirmed('A')], [allotment(2, 1, 1), supplied])], { supplyKnown: known }),
    );
    const oversold = checkStock(state([region('us-east-1', [], [allotment(0, 0, 6), supplied])]));

    expect(balanced).toEqual([]);
    expect(leaky.map((v) => v.detail)).toEqual([
      'MUG-001: supplied 5, held 4 + in transit 0 (available/reserved/sold us-east-1 2/1/1; in transit 0)',
      'MUG-001: 1 units left reserved (available/reserved/sold us-east-1 2/1/1; in transit 0)',
    ]);
    expect(oversold.map((v) => v.invariant)).toContain('no oversell');
  });

  it('find replicas that differ, and notifications missing or repeated', () => {
    const a = order('A');
    const differ = checkReplicas(
      state([region('us-east-1', [a]), region('eu-west-1', [{ ...a, status: 'FAILED' }])]),
    );
    const event = (id: string): EventEnvelope => ({
      version: '0',
      id,
      'detail-type': 'OrderConfirmed',
      source: 'meridian.orders',
      account: '0',
      time: NOW,
      region: 'us-east-1',
      resources: [],
      detail: { orderId: a.orderId },
    });
    const withEvents: RegionState = {
      ...region('us-east-1', [a], [row('NOTIFICATION#e1', 'NOTIFICATION', {})]),
      archivedOwnEvents: [event('e1'), event('e2')],
    };
    const notifications = checkNotifications(state([withEvents]));

    expect(differ[0]?.detail).toContain(`ORDER#${a.orderId} ORDER`);
    expect(notifications.map((v) => v.detail)).toEqual([
      `us-east-1: OrderConfirmed e2 of ${a.orderId} notified nobody`,
      `us-east-1: ${a.orderId} OrderConfirmed announced 2 times (e1, e2)`,
    ]);
  });
});
