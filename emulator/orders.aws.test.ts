import { type Order, restockProduct } from '@meridian/domain';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type EmulatedRegion, startEmulatedRegion } from './support/emulated-region';
import { peerContext } from './support/peer-region';
import { orderBody, Shop, type Stock, waitFor } from './support/shop';
import { EMULATED_REGION } from './support/synthesize-region';

/**
 * Every branch of statemachines/order-saga.asl.json on the emulated AWS region: orders through the HTTP
 * API function (payload 2.0 events, Cognito tokens from moto), the saga run by moto's Step Functions from
 * the synthesized definition, each Task the bundled function, events from the table stream through the
 * stream publisher and the synthesized rules to the notification consumer, and the payment simulator as
 * the provider (its key read from the secret).
 */

let region: EmulatedRegion;
let shop: Shop;

const SKUS: Record<string, number> = {
  'LAMP-001': 20,
  'CLOCK-001': 5,
  'TEE-001': 30,
  'PEN-001': 10,
  'NOTE-001': 20,
  'BAG-001': 20,
  'RACE-001': 5,
  'MUG-001': 10,
  'DESK-001': 10,
};

beforeAll(async () => {
  region = await startEmulatedRegion({ assemblyDir: inject('assemblyDir') });
  shop = await Shop.open(region);
  await Promise.all(Object.entries(SKUS).map(([sku, quantity]) => shop.addProduct(sku, quantity)));
});
afterAll(async () => {
  await region?.close();
});

async function run(overrides: Parameters<typeof orderBody>[0]): Promise<Order> {
  const placed = await shop.place(orderBody(overrides));
  expect(placed.status, JSON.stringify(placed.body)).toBe(202);
  return shop.waitForTerminal(placed.body.orderId);
}

const timeline = (order: Order) => order.timeline.map((entry) => entry.type);
const types = async (order: Order) => (await shop.ledger(order.orderId)).map((entry) => entry.type);

const exposure = (order: Order) => shop.exposure(order.orderId);

describe.concurrent('saga branches', () => {
  it('happy path: CONFIRMED through every forward step, one authorization and one capture, stock sold', async () => {
    const before = await shop.stockOf('LAMP-001');
    const order = await run({ sku: 'LAMP-001', quantity: 2 });

    expect(order.status).toBe('CONFIRMED');
    expect(timeline(order)).toEqual([
      'PLACED',
      'INVENTORY_RESERVED',
      'PAYMENT_AUTHORIZED',
      'SHIPMENT_CREATED',
      'PAYMENT_CAPTURED',
      'CONFIRMED',
    ]);
    expect(order).toMatchObject({
      inventory: 'COMMITTED',
      payment: { status: 'CAPTURED' },
      shipment: { status: 'CREATED' },
    });
    const ledger = await shop.ledger(order.orderId);
    expect(ledger.map((entry) => [entry.type, entry.amount])).toEqual([
      ['authorization', order.totalMinor],
      ['capture', order.totalMinor],
    ]);
    expect(await shop.stockOf('LAMP-001')).toEqual({
      ...before,
      available: before.available - 2,
      sold: before.sold + 2,
    });
  });

  it('notifies the customer once per notifying event, through the stream, the bus and the consumer', async () => {
    const order = await run({ sku: 'DESK-001' });
    expect(order.status).toBe('CONFIRMED');

    const notified = await waitFor(
      async () => {
        const mine = await shop.notificationsOf(order.orderId);
        return mine.length >= 2 ? mine : undefined;
      },
      { what: `the notifications of ${order.orderId}` },
    );
    expect(notified.map((notification) => notification.eventType).sort()).toEqual([
      'OrderConfirmed',
      'OrderPlaced',
    ]);
    expect(new Set(notified.map((notification) => notification.notificationId)).size).toBe(2);
    // Every event the order's commits announced reached the bus, with its exact time in the detail.
    const announced = await waitFor(
      async () => {
        const found = region.ruleTargets.deliveries
          .filter((delivery) => delivery.rule.includes('ForwardTo'))
          .map((delivery) => delivery.event.detail as { orderId?: string; eventTime?: string })
          .filter((detail) => detail.orderId === order.orderId);
        return found.length === timeline(order).length ? found : undefined;
      },
      { what: `every event of ${order.orderId} on the bus` },
    );
    for (const detail of announced)
      expect(detail.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('credits a transfer a peer region wrote once it replicates in, and publishes none of the peer’s events', async () => {
    await shop.addProduct('XFER-001', 1);
    const peer = peerContext(region, 'eu-west-1');
    const key = 'peer-restock-1';

    await restockProduct(peer, {
      sku: 'XFER-001',
      quantity: 6,
      idempotencyKey: key,
      split: [
        { region: EMULATED_REGION, quantity: 4 },
        { region: 'eu-west-1', quantity: 2 },
      ],
    });

    const credited = await waitFor(
      async () => {
        const product = await region.api.request<{
          stock: { byRegion: Array<{ region: string; available: number }> };
        }>('GET', '/api/v1/products/XFER-001');
        const own = product.body.stock.byRegion.find((allotment) => allotment.region === EMULATED_REGION);
        return own && own.available === 5 ? product.body.stock.byRegion : undefined;
      },
      { what: 'the transfer credited' },
    );
    expect(credited.find((allotment) => allotment.region === 'eu-west-1')?.available).toBe(2);

    // The peer repeats its restock (adds nothing), then this region restocks one unit: once this region's
    // event is on the bus, the stream has been read past everything the peer wrote before it.
    await restockProduct(peer, {
      sku: 'XFER-001',
      quantity: 6,
      idempotencyKey: key,
      split: [
        { region: EMULATED_REGION, quantity: 4 },
        { region: 'eu-west-1', quantity: 2 },
      ],
    });
    await shop.restock('XFER-001', 1, 'own-restock-after-peer');
    const eventIds = () =>
      region.ruleTargets.deliveries.map(
        (delivery) => (delivery.event.detail as { eventId?: string }).eventId,
      );
    await waitFor(
      async () => (eventIds().includes('restock_own-restock-after-peer_XFER-001') ? true : undefined),
      {
        what: 'this region’s restock event',
      },
    );
    expect((await shop.stockOf('XFER-001')).available).toBe(8);
    // The peer's StockRestocked is its own region's to publish (its outbox row carries its region).
    expect(eventIds()).not.toContain(`restock_${key}_XFER-001`);
  });

  it('out of stock: FAILED naming the SKU, no money moved, stock untouched', async () => {
    const order = await run({ sku: 'CLOCK-001', quantity: 6 });

    expect(order.status).toBe('FAILED');
    expect(order.failureReason).toContain('CLOCK-001');
    expect(timeline(order)).toEqual(['PLACED', 'FAILED']);
    expect(await types(order)).toEqual([]);
    expect(await shop.stockOf('CLOCK-001')).toEqual({ available: 5, reserved: 0, sold: 0 });
  });

  it.for([
    ['pm_card_chargeDeclined', 'Your card was declined.'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'Your card was declined (insufficient funds).'],
    ['pm_card_chargeDeclinedExpiredCard', 'Your card was declined (expired card).'],
  ])(
    'declined card %s: FAILED with the decline message, stock released',
    async ([paymentMethod, message]) => {
      const order = await run({ sku: 'TEE-001', quantity: 3, paymentMethod });

      expect(order.status).toBe('FAILED');
      expect(order.failureReason).toBe(message);
      expect(order.inventory).toBe('RELEASED');
      expect(timeline(order)).toEqual(['PLACED', 'INVENTORY_RESERVED', 'INVENTORY_RELEASED', 'FAILED']);
      expect(await types(order)).toEqual(['decline']);
    },
  );

  it('shipment refused (AQ): FAILED, the authorization voided, the stock released', async () => {
    const order = await run({ sku: 'PEN-001', quantity: 2, country: 'AQ' });

    expect(order.status).toBe('FAILED');
    expect(order.failureReason).toContain('AQ');
    expect(order).toMatchObject({ inventory: 'RELEASED', payment: { status: 'VOIDED' } });
    expect(order.settlement).toBeUndefined();
    expect(timeline(order)).toEqual([
      'PLACED',
      'INVENTORY_RESERVED',
      'PAYMENT_AUTHORIZED',
      'PAYMENT_VOIDED',
      'INVENTORY_RELEASED',
      'FAILED',
    ]);
    expect(await types(order)).toEqual(['authorization', 'void']);
    expect(await shop.stockOf('PEN-001')).toEqual({ available: 10, reserved: 0, sold: 0 });
  });

  it('transient provider errors are retried by the state machine: CONFIRMED, one authorization', async () => {
    const order = await run({ sku: 'NOTE-001', paymentMethod: 'pm_card_transientFailure' });

    expect(order.status).toBe('CONFIRMED');
    expect(await types(order)).toEqual(['authorization', 'capture']);
    const history = await region.api.request<{
      items: Array<{ type: string; state?: string; error?: string }>;
    }>('GET', `/api/v1/admin/executions/${order.orderId}/history`, { token: shop.admin });
    expect(history.status).toBe(200);
    const failures = history.body.items.filter(
      (event) => event.state === 'AuthorizePayment' && event.error === 'TransientError',
    );
    expect(failures).toHaveLength(2);
  });

  it('a confirmed order cancelled: the cancel run refunds, cancels the shipment and restores the stock', async () => {
    const before = await shop.stockOf('MUG-001');
    const confirmed = await run({ sku: 'MUG-001', quantity: 2 });
    expect(confirmed.status).toBe('CONFIRMED');

    const cancelled = await shop.cancel(confirmed.orderId);
    expect(cancelled.status).toBe(202);
    const order = await shop.waitForTerminal(confirmed.orderId);

    expect(order.status).toBe('CANCELLED');
    expect(order.payment?.status).toBe('REFUNDED');
    expect(order.settlement).toBeUndefined();
    expect(timeline(order)).toEqual(
      expect.arrayContaining(['CANCEL_REQUESTED', 'PAYMENT_REFUNDED', 'SHIPMENT_CANCELLED']),
    );
    expect(await exposure(order)).toEqual({ charged: 0, held: 0 });
    expect(await shop.stockOf('MUG-001')).toEqual(before);
  });

  it('concurrent orders never oversell: exactly the stock is sold, the rest fail out of stock', async () => {
    const placed = await Promise.all(
      Array.from({ length: 12 }, () => shop.place(orderBody({ sku: 'RACE-001' }))),
    );
    const finals = await Promise.all(placed.map((response) => shop.waitForTerminal(response.body.orderId)));

    const statuses = finals.map((order) => order.status);
    expect(statuses.filter((status) => status === 'CONFIRMED')).toHaveLength(5);
    expect(statuses.filter((status) => status === 'FAILED')).toHaveLength(7);
    expect(await shop.stockOf('RACE-001')).toEqual({ available: 0, reserved: 0, sold: 5 });
  });
});

describe('cancellation while the saga runs (slow provider)', () => {
  afterEach(async () => {
    await shop.setProviderChaos({ latencyMs: 0, errorRate: 0 });
  });

  async function placeSlowly(): Promise<{ orderId: string; before: Stock }> {
    const before = await shop.stockOf('BAG-001');
    await shop.setProviderChaos({ latencyMs: 400 });
    const placed = await shop.place(orderBody({ sku: 'BAG-001' }));
    expect(placed.status).toBe(202);
    return { orderId: placed.body.orderId, before };
  }

  it.for([
    ['right after placing', undefined],
    ['while the payment is authorized', 'INVENTORY_RESERVED'],
    ['while the payment is captured', 'SHIPMENT_CREATED'],
  ] as const)('cancelled %s: CANCELLED, nothing charged or held, stock conserved', async ([, step]) => {
    const { orderId, before } = await placeSlowly();
    if (step) {
      await shop.waitFor(orderId, (order) => timeline(order).includes(step));
    }
    expect((await shop.cancel(orderId)).status).toBe(202);
    const order = await shop.waitForTerminal(orderId);

    expect(order.status).toBe('CANCELLED');
    expect(order.settlement).toBeUndefined();
    expect(await exposure(order)).toEqual({ charged: 0, held: 0 });
    expect(await shop.stockOf('BAG-001')).toEqual(before);
  });

  it('a provider that keeps failing is given up on: FAILED, nothing charged, stock released', async () => {
    const before = await shop.stockOf('NOTE-001');
    await shop.setProviderChaos({ errorRate: 1 });

    const order = await run({ sku: 'NOTE-001' });

    expect(order.status).toBe('FAILED');
    expect(order.failureReason).toMatch(/technical problem/);
    // Nothing reached the provider, so nothing is owed.
    expect(order.settlement).toBeUndefined();
    expect(await types(order)).toEqual([]);
    expect(await shop.stockOf('NOTE-001')).toEqual(before);
  });
});
