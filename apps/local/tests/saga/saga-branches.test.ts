import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS } from '../../src/catalog/demo-catalog';
import { listAll } from '../support/assertions';
import {
  type LedgerEntry,
  newKey,
  type OrderView,
  orderBody,
  type Stock,
  startTestRegion,
  type TestRegion,
  waitFor,
} from '../support/region-harness';

/**
 * Every branch of statemachines/order-saga.asl.json, driven through the real HTTP API, the saga handlers,
 * the local workflow runner and the payment simulator. The tests share one region but not its state: a
 * test that needs an exact stock level makes a product of its own, the others measure against the stock
 * they found, so they pass in any order and alone.
 */

let harness: TestRegion;
let alice: string;
let admin: string;

beforeAll(async () => {
  harness = await startTestRegion();
  [alice, admin] = await Promise.all([harness.token('alice'), harness.token('admin')]);
});
afterEach(async () => {
  await harness.payments.setChaos({ latencyMs: 0, errorRate: 0 });
});
afterAll(async () => {
  await harness?.close();
});

async function place(overrides: Parameters<typeof orderBody>[0]): Promise<OrderView> {
  const response = await harness.placeOrder(orderBody(overrides), { token: alice, key: newKey() });
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return response.body;
}

async function run(overrides: Parameters<typeof orderBody>[0]): Promise<OrderView> {
  const placed = await place(overrides);
  return harness.waitForTerminal(placed.orderId, alice);
}

/** A new product with `stock` units, for a test that needs exact stock levels. */
async function stockedProduct(stock: number): Promise<string> {
  const sku = newKey('SKU').toUpperCase();
  const created = await harness.request('/admin/products', {
    token: admin,
    json: { sku, name: 'Limited Print', priceMinor: 9900 },
  });
  expect(created.status).toBe(201);
  await restock(sku, stock);
  return sku;
}

async function restock(sku: string, quantity: number): Promise<void> {
  const response = await harness.request(`/admin/products/${sku}/restock`, {
    token: admin,
    json: { quantity },
  });
  expect(response.status).toBe(200);
}

const types = (ledger: LedgerEntry[]) => ledger.map((entry) => entry.type);
const timeline = (order: OrderView) => order.timeline.map((entry) => entry.type);

/** Money the customer is out of: captures minus refunds; and authorizations still holding funds. */
function exposure(ledger: LedgerEntry[]): { charged: number; heldAuthorizations: string[] } {
  const sum = (type: LedgerEntry['type']) =>
    ledger.filter((entry) => entry.type === type).reduce((total, entry) => total + entry.amount, 0);
  const settled = new Set(
    ledger
      .filter((entry) => entry.type === 'void' || entry.type === 'capture')
      .map((entry) => entry.authorization_id),
  );
  const heldAuthorizations = ledger
    .filter((entry) => entry.type === 'authorization' && !settled.has(entry.id))
    .map((entry) => entry.id);
  return { charged: sum('capture') - sum('refund'), heldAuthorizations };
}

describe('happy path', () => {
  it('reaches CONFIRMED through every forward step, captures once and sells the stock', async () => {
    const before = await harness.stockOf('LAMP-001');
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
    expect(order.failureReason).toBeUndefined();

    const ledger = await harness.payments.ledger(order.orderId);
    expect(types(ledger)).toEqual(['authorization', 'capture']);
    expect(ledger.map((entry) => entry.amount)).toEqual([order.totalMinor, order.totalMinor]);
    expect(ledger[1]?.authorization_id).toBe(order.payment?.authorizationId);

    expect(await harness.stockOf('LAMP-001')).toEqual({
      available: before.available - 2,
      reserved: before.reserved,
      sold: before.sold + 2,
    });
  });
});

describe('out of stock', () => {
  it('fails with a reason naming the SKU, touches no money and no stock', async () => {
    const sku = await stockedProduct(5);
    const before = await harness.stockOf(sku);
    expect(before.available).toBe(5);
    const order = await run({ sku, quantity: 6 });
    expect(order.status).toBe('FAILED');
    expect(order.failureReason).toContain(sku);
    expect(order.failureReason).toMatch(/stock/i);
    expect(timeline(order)).toEqual(['PLACED', 'FAILED']);
    expect(order.payment).toBeUndefined();
    expect(await harness.payments.ledger(order.orderId)).toEqual([]);
    expect(await harness.stockOf(sku)).toEqual(before);
  });

  it('the last units can still be sold exactly, and then the next order fails', async () => {
    const sku = await stockedProduct(5);
    const sold = await run({ sku, quantity: 5 });
    expect(sold.status).toBe('CONFIRMED');
    expect(await harness.stockOf(sku)).toEqual({ available: 0, reserved: 0, sold: 5 });
    const next = await run({ sku, quantity: 1 });
    expect(next.status).toBe('FAILED');
    expect(next.failureReason).toContain(sku);
    expect(await harness.stockOf(sku)).toEqual({ available: 0, reserved: 0, sold: 5 });
  });
});

describe('declined card', () => {
  it.each([
    ['pm_card_chargeDeclined', 'Your card was declined.'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'Your card was declined (insufficient funds).'],
    ['pm_card_chargeDeclinedExpiredCard', 'Your card was declined (expired card).'],
  ])(
    '%s → FAILED with the decline message, stock released, nothing captured',
    async (paymentMethod, message) => {
      const before = await harness.stockOf('TEE-001');
      const order = await run({ sku: 'TEE-001', quantity: 3, paymentMethod });
      expect(order.status).toBe('FAILED');
      expect(order.failureReason).toBe(message);
      expect(order.inventory).toBe('RELEASED');
      expect(timeline(order)).toEqual(['PLACED', 'INVENTORY_RESERVED', 'INVENTORY_RELEASED', 'FAILED']);
      const ledger = await harness.payments.ledger(order.orderId);
      expect(types(ledger)).toEqual(['decline']);
      expect(exposure(ledger)).toEqual({ charged: 0, heldAuthorizations: [] });
      expect(await harness.stockOf('TEE-001')).toEqual(before);
    },
  );
});

describe('shipment refused by the carrier', () => {
  it('country AQ → FAILED, the authorization voided, the stock released', async () => {
    const before = await harness.stockOf('PEN-001');
    const order = await run({ sku: 'PEN-001', quantity: 2, country: 'AQ' });
    expect(order.status).toBe('FAILED');
    expect(order.failureReason).toContain('AQ');
    expect(order).toMatchObject({ inventory: 'RELEASED', payment: { status: 'VOIDED' } });
    expect(order.shipment).toBeUndefined();
    expect(timeline(order)).toEqual([
      'PLACED',
      'INVENTORY_RESERVED',
      'PAYMENT_AUTHORIZED',
      'PAYMENT_VOIDED',
      'INVENTORY_RELEASED',
      'FAILED',
    ]);
    const ledger = await harness.payments.ledger(order.orderId);
    expect(types(ledger)).toEqual(['authorization', 'void']);
    expect(exposure(ledger)).toEqual({ charged: 0, heldAuthorizations: [] });
    expect(await harness.stockOf('PEN-001')).toEqual(before);
  });
});

describe('transient provider errors', () => {
  it('are retried with the same idempotency key: CONFIRMED, one authorization, one capture', async () => {
    const order = await run({ sku: 'NOTE-001', paymentMethod: 'pm_card_transientFailure' });
    expect(order.status).toBe('CONFIRMED');
    const ledger = await harness.payments.ledger(order.orderId);
    expect(types(ledger)).toEqual(['authorization', 'capture']);
    const history = await harness.request<{ items: Array<{ type: string; state?: string; error?: string }> }>(
      `/admin/executions/${order.orderId}/history`,
      { token: admin },
    );
    const failures = history.body.items.filter(
      (event) => event.type === 'StateFailed' && event.state === 'AuthorizePayment',
    );
    expect(failures).toHaveLength(2);
    for (const failure of failures) expect(failure.error).toBe('TransientError');
  });

  it('a provider that keeps failing is given up on: FAILED, nothing charged, stock released', async () => {
    const before = await harness.stockOf('NOTE-001');
    await harness.payments.setChaos({ latencyMs: 0, errorRate: 1 });
    const order = await run({ sku: 'NOTE-001' });
    expect(order.status).toBe('FAILED');
    expect(order.failureReason).toMatch(/technical problem/);
    expect(await harness.payments.ledger(order.orderId)).toEqual([]);
    expect(await harness.stockOf('NOTE-001')).toEqual(before);
  });
});

describe('cancellation while the saga runs (slow provider)', () => {
  async function waitForStep(orderId: string, step: string): Promise<void> {
    await waitFor(
      async () => (timeline(await harness.getOrder(orderId, alice)).includes(step) ? true : undefined),
      {
        intervalMs: 2,
        what: `${step} on ${orderId}`,
      },
    );
  }

  async function cancel(orderId: string): Promise<void> {
    const response = await harness.request(`/orders/${orderId}/cancel`, { method: 'POST', token: alice });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
  }

  it('cancel right after placing → CANCELLED, no capture left un-refunded, stock conserved', async () => {
    const before = await harness.stockOf('BAG-001');
    await harness.payments.setChaos({ latencyMs: 300, errorRate: 0 });
    const placed = await place({ sku: 'BAG-001', quantity: 2 });
    await cancel(placed.orderId);
    const order = await harness.waitForTerminal(placed.orderId, alice);
    expect(order.status).toBe('CANCELLED');
    expect(order.cancelRequested).toBe(true);
    expect(timeline(order)).toContain('CANCEL_REQUESTED');
    expect(timeline(order).at(-1)).toBe('CANCELLED');
    expect(exposure(await harness.payments.ledger(order.orderId)).charged).toBe(0);
    expect(await harness.stockOf('BAG-001')).toEqual(before);
  });

  // The authorize call is in flight (300 ms) when the cancellation lands.
  it('cancel while the payment is being authorized → the authorization is voided, not left holding funds', async () => {
    const before = await harness.stockOf('BAG-001');
    await harness.payments.setChaos({ latencyMs: 300, errorRate: 0 });
    const placed = await place({ sku: 'BAG-001' });
    await waitForStep(placed.orderId, 'INVENTORY_RESERVED');
    await cancel(placed.orderId);
    const order = await harness.waitForTerminal(placed.orderId, alice);
    expect(order.status).toBe('CANCELLED');
    expect(await harness.stockOf('BAG-001')).toEqual(before);
    const ledger = await harness.payments.ledger(order.orderId);
    expect(types(ledger)).toContain('authorization');
    expect(exposure(ledger)).toEqual({ charged: 0, heldAuthorizations: [] });
  });

  // The capture call is in flight (300 ms) when the cancellation lands.
  it('cancel while the payment is being captured → the capture is refunded, the customer is not charged', async () => {
    const before = await harness.stockOf('BAG-001');
    await harness.payments.setChaos({ latencyMs: 300, errorRate: 0 });
    const placed = await place({ sku: 'BAG-001' });
    await waitForStep(placed.orderId, 'SHIPMENT_CREATED');
    await cancel(placed.orderId);
    const order = await harness.waitForTerminal(placed.orderId, alice);
    expect(order.status).toBe('CANCELLED');
    expect(await harness.stockOf('BAG-001')).toEqual(before);
    const ledger = await harness.payments.ledger(order.orderId);
    expect(types(ledger)).toContain('capture');
    expect(exposure(ledger)).toEqual({ charged: 0, heldAuthorizations: [] });
    expect(order.payment?.status).toBe('REFUNDED');
  });
});

describe('stock conservation', () => {
  it('concurrent orders never oversell: exactly the stock is sold, the rest fail as out of stock', async () => {
    const sku = await stockedProduct(5);
    const placed = await Promise.all(Array.from({ length: 12 }, () => place({ sku, quantity: 1 })));
    const finals = await Promise.all(placed.map((order) => harness.waitForTerminal(order.orderId, alice)));
    const statuses = finals.map((order) => order.status);
    expect(statuses.filter((status) => status === 'CONFIRMED')).toHaveLength(5);
    expect(statuses.filter((status) => status === 'FAILED')).toHaveLength(7);
    for (const order of finals.filter((candidate) => candidate.status === 'FAILED')) {
      expect(order.failureReason).toContain(sku);
      expect(await harness.payments.ledger(order.orderId)).toEqual([]);
    }
    expect(await harness.stockOf(sku)).toEqual({ available: 0, reserved: 0, sold: 5 });
  });

  it('restocks add up too', async () => {
    const sku = await stockedProduct(5);
    expect((await run({ sku, quantity: 5 })).status).toBe('CONFIRMED');
    await restock(sku, 4);
    const order = await run({ sku, quantity: 3 });
    expect(order.status).toBe('CONFIRMED');
    expect(await harness.stockOf(sku)).toEqual({ available: 1, reserved: 0, sold: 8 });
  });

  it('for every SKU, available + reserved + sold = seeded stock + restocks, with nothing left reserved', async () => {
    // Orders of every outcome and a restock of its own, whatever else the region has seen.
    const restocked = new Map([['CLOCK-001', 4]]);
    await restock('CLOCK-001', 4);
    await Promise.all([
      place({ sku: 'CLOCK-001', quantity: 3 }),
      place({ sku: 'LAMP-001', quantity: 2 }),
      place({ sku: 'TEE-001', paymentMethod: 'pm_card_chargeDeclined' }),
      place({ sku: 'PEN-001', country: 'AQ' }),
      place({ sku: 'CLOCK-001', quantity: 40 }),
    ]);
    const orders = await listAll<OrderView>(harness, '/admin/orders', admin);
    await Promise.all(orders.map((order) => harness.waitForTerminal(order.orderId, admin)));
    const stocks = new Map<string, Stock>();
    for (const { sku } of DEMO_PRODUCTS) stocks.set(sku, await harness.stockOf(sku));
    for (const { sku, initialStock } of DEMO_PRODUCTS) {
      const stock = stocks.get(sku) as Stock;
      expect(stock.available + stock.reserved + stock.sold, sku).toBe(
        initialStock + (restocked.get(sku) ?? 0),
      );
      expect(stock.reserved, sku).toBe(0);
      expect(stock.available, sku).toBeGreaterThanOrEqual(0);
    }
    // Sold units are exactly the units of the orders that are CONFIRMED.
    const soldByOrders = new Map<string, number>();
    for (const order of orders) {
      const final = await harness.getOrder(order.orderId, admin);
      if (final.status !== 'CONFIRMED') continue;
      for (const line of final.lines)
        soldByOrders.set(line.sku, (soldByOrders.get(line.sku) ?? 0) + line.quantity);
    }
    for (const { sku } of DEMO_PRODUCTS) expect(stocks.get(sku)?.sold, sku).toBe(soldByOrders.get(sku) ?? 0);
  });
});
