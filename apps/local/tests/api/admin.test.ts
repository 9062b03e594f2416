import type { DeliveredEvent } from '@meridian/adapters-local';
import { EVENT_SOURCES } from '@meridian/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, listAll } from '../support/assertions';
import {
  newKey,
  type OrderView,
  orderBody,
  startTestRegion,
  type TestRegion,
  waitFor,
} from '../support/region-harness';

interface ProductView {
  sku: string;
  name: string;
  priceMinor: number;
  active: boolean;
  category: string;
  stock: { available: number; reserved: number; sold: number };
}
interface NotificationView {
  notificationId: string;
  eventType: string;
  orderId: string;
  customerId: string;
}
interface DeadLetterView {
  id: string;
  rule: string;
  target: string;
  attempts: number;
  error: string;
  event: { id: string; 'detail-type': string; detail: { orderId: string } };
}

/** A test-only bus target that fails while `failing` is set, and records what it received otherwise. */
const audit = { failing: true, attempts: 0, delivered: [] as DeliveredEvent[] };

let harness: TestRegion;
let alice: string;
let bob: string;
let admin: string;

beforeAll(async () => {
  harness = await startTestRegion({
    beforeStart: (region) =>
      region.bus.addRule({
        name: 'test-audit',
        eventPattern: { source: [EVENT_SOURCES.orders], 'detail-type': ['OrderConfirmed'] },
        targets: [
          {
            id: 'flaky-audit',
            invoke: async (event) => {
              audit.attempts++;
              if (audit.failing) throw new Error('audit service is down');
              audit.delivered.push(event);
            },
          },
        ],
      }),
  });
  [alice, bob, admin] = await Promise.all([
    harness.token('alice'),
    harness.token('bob'),
    harness.token('admin'),
  ]);
});
afterAll(async () => {
  await harness?.close();
});

async function placeConfirmed(token: string, sku = 'MUG-001'): Promise<OrderView> {
  const placed = await harness.placeOrder(orderBody({ sku }), { token, key: newKey() });
  expect(placed.status).toBe(202);
  const order = await harness.waitForTerminal(placed.body.orderId, token);
  expect(order.status).toBe('CONFIRMED');
  return order;
}

describe('products', () => {
  it('creates a product (201) that shoppers can then read and order', async () => {
    const response = await harness.request<ProductView>('/admin/products', {
      token: admin,
      json: { sku: 'MAP-001', name: '  Wall Map  ', priceMinor: 2500, category: 'office' },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      sku: 'MAP-001',
      name: 'Wall Map',
      priceMinor: 2500,
      active: true,
      currency: 'USD',
    });
    expect(response.body.stock).toMatchObject({ available: 0, reserved: 0, sold: 0 });
    const read = await harness.request<ProductView>('/products/MAP-001');
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('Wall Map');
  });

  it('refuses a duplicate SKU with 409 and keeps the original', async () => {
    const response = await harness.request('/admin/products', {
      token: admin,
      json: { sku: 'MUG-001', name: 'Impostor', priceMinor: 1 },
    });
    expectProblem(response, 409, 'product_exists');
    const mug = await harness.request<ProductView>('/products/MUG-001');
    expect(mug.body).toMatchObject({ name: 'Meridian Mug', priceMinor: 1450 });
  });

  it.each([
    ['a malformed SKU', { sku: 'bad sku', name: 'X', priceMinor: 1 }],
    ['a negative price', { sku: 'NEG-001', name: 'X', priceMinor: -1 }],
    ['a fractional price', { sku: 'FRAC-001', name: 'X', priceMinor: 1.5 }],
    ['an empty name', { sku: 'EMPTY-001', name: ' ', priceMinor: 1 }],
    ['an unknown currency', { sku: 'GBP-001', name: 'X', priceMinor: 1, currency: 'GBP' }],
    ['an unknown field', { sku: 'EXTRA-001', name: 'X', priceMinor: 1, stock: 5 }],
    ['a missing price', { sku: 'NOPRICE-001', name: 'X' }],
    ['a javascript: image URL', { sku: 'JS-001', name: 'X', priceMinor: 1, imageUrl: 'javascript:alert(1)' }],
    ['a data: image URL', { sku: 'DATA-001', name: 'X', priceMinor: 1, imageUrl: 'data:text/html,<b>x</b>' }],
    [
      'a plain http: image URL',
      { sku: 'HTTP-001', name: 'X', priceMinor: 1, imageUrl: 'http://img.example/a.png' },
    ],
    ['a NUL in the name', { sku: 'NUL-001', name: 'Mug\u0000', priceMinor: 1 }],
    ['CR/LF in the category', { sku: 'CRLF-001', name: 'X', priceMinor: 1, category: 'a\r\nb' }],
    [
      'an escape sequence in the description',
      { sku: 'ESC-001', name: 'X', priceMinor: 1, description: '\u001b[2J' },
    ],
  ])('refuses %s with 400 and creates nothing', async (_label, json) => {
    const before = (await listAll<ProductView>(harness, '/products', admin)).length;
    const problem = expectProblem(
      await harness.request('/admin/products', { token: admin, json }),
      400,
      'invalid_request',
    );
    expect(problem.errors?.length).toBeGreaterThan(0);
    expect((await listAll<ProductView>(harness, '/products', admin)).length).toBe(before);
  });

  it('patches a product (200); new orders use the new price', async () => {
    const response = await harness.request<ProductView>('/admin/products/LAMP-001', {
      method: 'PATCH',
      token: admin,
      json: { priceMinor: 6100, category: 'lighting' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      sku: 'LAMP-001',
      name: 'Desk Lamp',
      priceMinor: 6100,
      category: 'lighting',
    });
    expect((await harness.request<ProductView>('/products/LAMP-001')).body.priceMinor).toBe(6100);
    const placed = await harness.placeOrder(orderBody({ sku: 'LAMP-001' }), { token: alice, key: newKey() });
    expect(placed.body.lines[0]?.unitPriceMinor).toBe(6100);
    await harness.waitForTerminal(placed.body.orderId, alice);
  });

  it('patch: unknown SKU → 404; empty or invalid change → 400', async () => {
    expectProblem(
      await harness.request('/admin/products/NOPE-404', {
        method: 'PATCH',
        token: admin,
        json: { priceMinor: 1 },
      }),
      404,
      'product_not_found',
    );
    expectProblem(
      await harness.request('/admin/products/MUG-001', { method: 'PATCH', token: admin, json: {} }),
      400,
      'invalid_request',
    );
    expectProblem(
      await harness.request('/admin/products/MUG-001', {
        method: 'PATCH',
        token: admin,
        json: { sku: 'OTHER-1' },
      }),
      400,
      'invalid_request',
    );
    for (const change of [
      { imageUrl: 'javascript:alert(1)' },
      { name: 'Mug\r\nX' },
      { description: 'a\u0000b' },
    ])
      expectProblem(
        await harness.request('/admin/products/MUG-001', { method: 'PATCH', token: admin, json: change }),
        400,
        'invalid_request',
      );
    expect((await harness.request<ProductView>('/products/MUG-001')).body.priceMinor).toBe(1450);
  });

  it('restocks: the stock grows by exactly the quantity, in the answer and afterwards', async () => {
    const before = await harness.stockOf('CLOCK-001');
    const response = await harness.request<ProductView>('/admin/products/CLOCK-001/restock', {
      token: admin,
      json: { quantity: 7 },
    });
    expect(response.status).toBe(200);
    expect(response.body.stock).toMatchObject({
      available: before.available + 7,
      reserved: before.reserved,
      sold: before.sold,
    });
    expect(await harness.stockOf('CLOCK-001')).toEqual({ ...before, available: before.available + 7 });
    // An explicit split naming this region works the same way.
    await harness.request('/admin/products/CLOCK-001/restock', {
      token: admin,
      json: { quantity: 3, split: [{ region: 'us-east-1', quantity: 3 }] },
    });
    expect((await harness.stockOf('CLOCK-001')).available).toBe(before.available + 10);
  });

  it('restock: unknown SKU → 404, bad quantity → 400, a foreign or inconsistent split → 422; stock unchanged', async () => {
    const before = await harness.stockOf('CLOCK-001');
    const restock = (sku: string, json: unknown) =>
      harness.request(`/admin/products/${sku}/restock`, { token: admin, json });
    expectProblem(await restock('NOPE-404', { quantity: 1 }), 404, 'product_not_found');
    expectProblem(await restock('CLOCK-001', { quantity: 0 }), 400, 'invalid_request');
    expectProblem(await restock('CLOCK-001', { quantity: -5 }), 400, 'invalid_request');
    expectProblem(await restock('CLOCK-001', { quantity: 2.5 }), 400, 'invalid_request');
    expectProblem(
      await restock('CLOCK-001', { quantity: 2, split: [{ region: 'eu-west-1', quantity: 2 }] }),
      422,
      'invalid_stock_operation',
    );
    expectProblem(
      await restock('CLOCK-001', { quantity: 2, split: [{ region: 'us-east-1', quantity: 1 }] }),
      422,
      'invalid_stock_operation',
    );
    expectProblem(
      await restock('CLOCK-001', {
        quantity: 2,
        split: [
          { region: 'us-east-1', quantity: 1 },
          { region: 'us-east-1', quantity: 1 },
        ],
      }),
      422,
      'invalid_stock_operation',
    );
    expect(await harness.stockOf('CLOCK-001')).toEqual(before);
  });

  it('restock with an Idempotency-Key: a repeat adds nothing; the key with another quantity → 422', async () => {
    const before = await harness.stockOf('CLOCK-001');
    const restock = (quantity: number) =>
      harness.request<ProductView>('/admin/products/CLOCK-001/restock', {
        token: admin,
        json: { quantity },
        headers: { 'idempotency-key': 'restock-once' },
      });
    expect((await restock(4)).status).toBe(200);
    const repeated = await restock(4);
    expect(repeated.status).toBe(200);
    expect(repeated.body.stock.available).toBe(before.available + 4);
    expectProblem(await restock(5), 422, 'idempotency_key_reused');
    expect((await harness.stockOf('CLOCK-001')).available).toBe(before.available + 4);
  });
});

describe('orders, notifications and executions', () => {
  it('lists every customer’s orders to an admin, newest first, with working pagination', async () => {
    const aliceOrder = await placeConfirmed(alice);
    const bobOrder = await placeConfirmed(bob);
    const all = await listAll<OrderView>(harness, '/admin/orders', admin);
    const ids = all.map((order) => order.orderId);
    expect(ids).toContain(aliceOrder.orderId);
    expect(ids).toContain(bobOrder.orderId);
    expect(ids.indexOf(bobOrder.orderId)).toBeLessThan(ids.indexOf(aliceOrder.orderId));
    expect(new Set(ids).size).toBe(ids.length);

    const first = await harness.request<{ items: OrderView[]; nextCursor?: string }>(
      '/admin/orders?limit=1',
      { token: admin },
    );
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await harness.request<{ items: OrderView[] }>(
      `/admin/orders?limit=1&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      { token: admin },
    );
    expect(second.body.items[0]?.orderId).toBe(ids[1]);
    expectProblem(
      await harness.request('/admin/orders?cursor=garbage', { token: admin }),
      400,
      'invalid_cursor',
    );
  });

  it.each([
    '/admin/executions?cursor=garbage',
    '/admin/executions?cursor=0',
    '/admin/dead-letters?cursor=garbage',
    `/admin/dead-letters?cursor=${Buffer.from('other-kind:1:2').toString('base64url')}`,
  ])('refuses a cursor it did not issue with 400 invalid_cursor: %s', async (path) => {
    expectProblem(await harness.request(path, { token: admin }), 400, 'invalid_cursor');
  });

  it('records one notification per notifying event (OrderPlaced, OrderConfirmed), never duplicated', async () => {
    const order = await placeConfirmed(bob, 'BAG-001');
    const forOrder = async () =>
      (await listAll<NotificationView>(harness, '/admin/notifications', admin)).filter(
        (n) => n.orderId === order.orderId,
      );
    await waitFor(async () => ((await forOrder()).length >= 2 ? true : undefined), {
      what: 'two notifications',
    });
    await harness.region.bus.drain();
    const notifications = await forOrder();
    expect(notifications.map((n) => n.eventType).sort()).toEqual(['OrderConfirmed', 'OrderPlaced']);
    expect(new Set(notifications.map((n) => n.notificationId)).size).toBe(2);
    for (const notification of notifications) expect(notification.customerId).toBe('bob');

    // Customers see their own notifications only.
    const bobs = await listAll<NotificationView>(harness, '/notifications', bob);
    expect(bobs.filter((n) => n.orderId === order.orderId)).toHaveLength(2);
    const alices = await listAll<NotificationView>(harness, '/notifications', alice);
    expect(alices.some((n) => n.orderId === order.orderId)).toBe(false);
  });

  it('lists executions (filterable by status) and shows the saga history in order', async () => {
    const order = await placeConfirmed(alice, 'NOTE-001');
    const executions = await listAll<{
      name: string;
      status: string;
      input: { orderId: string; mode: string };
    }>(harness, '/admin/executions', admin);
    const execution = executions.find((candidate) => candidate.name === order.orderId);
    expect(execution).toMatchObject({
      status: 'SUCCEEDED',
      input: { orderId: order.orderId, mode: 'place' },
    });
    const succeeded = await listAll<{ status: string }>(harness, '/admin/executions?status=SUCCEEDED', admin);
    expect(succeeded.length).toBeGreaterThan(0);
    for (const candidate of succeeded) expect(candidate.status).toBe('SUCCEEDED');
    const failed = await listAll<{ name: string }>(harness, '/admin/executions?status=FAILED', admin);
    expect(failed.map((candidate) => candidate.name)).not.toContain(order.orderId);
    expectProblem(
      await harness.request('/admin/executions?status=BOGUS', { token: admin }),
      400,
      'invalid_request',
    );

    const history = await harness.request<{ items: Array<{ type: string; state?: string }> }>(
      `/admin/executions/${encodeURIComponent(order.orderId)}/history`,
      { token: admin },
    );
    expect(history.status).toBe(200);
    expect(history.body.items[0]?.type).toBe('ExecutionStarted');
    expect(history.body.items.at(-1)?.type).toBe('ExecutionSucceeded');
    const entered = history.body.items
      .filter((event) => event.type === 'StateEntered')
      .map((event) => event.state);
    expect(entered).toEqual([
      'ChooseMode',
      'ReserveInventory',
      'AuthorizePayment',
      'CreateShipment',
      'CapturePayment',
      'ConfirmOrder',
      'OrderConfirmed',
    ]);
    expectProblem(
      await harness.request('/admin/executions/nope/history', { token: admin }),
      404,
      'execution_not_found',
    );
  });
});

describe('dead letters', () => {
  it('parks an event a target keeps failing on, then redrives it once the target recovers', async () => {
    const order = await placeConfirmed(alice, 'TEE-001');
    const letter = await waitFor(
      async () =>
        (await listAll<DeadLetterView>(harness, '/admin/dead-letters', admin)).find(
          (candidate) => candidate.event.detail.orderId === order.orderId,
        ),
      { timeoutMs: 15_000, what: 'the dead letter' },
    );
    expect(letter).toMatchObject({ rule: 'test-audit', target: 'flaky-audit', attempts: 5 });
    expect(letter.event['detail-type']).toBe('OrderConfirmed');
    expect(letter.error).toContain('audit service is down');
    expect(audit.delivered).toHaveLength(0);
    const health = await harness.request<{ checks: { bus: { detail: string } } }>('/health');
    expect(health.body.checks.bus.detail).toMatch(/[1-9]\d* dead letters/);

    // The notification rule is independent of the failing target.
    const notifications = await listAll<NotificationView>(harness, '/admin/notifications', admin);
    expect(notifications.filter((n) => n.orderId === order.orderId).map((n) => n.eventType)).toContain(
      'OrderConfirmed',
    );

    expectProblem(
      await harness.request('/admin/dead-letters/999999/redrive', { method: 'POST', token: admin }),
      404,
      'dead_letter_not_found',
    );
    expectProblem(
      await harness.request('/admin/dead-letters/not-an-id/redrive', { method: 'POST', token: admin }),
      404,
      'dead_letter_not_found',
    );

    audit.failing = false;
    const redrive = await harness.request<{ redriven: number }>(`/admin/dead-letters/${letter.id}/redrive`, {
      method: 'POST',
      token: admin,
    });
    expect(redrive.status).toBe(202);
    expect(redrive.body).toEqual({ redriven: 1 });
    const delivered = await waitFor(
      async () =>
        audit.delivered.find((event) => (event.detail as { orderId?: string }).orderId === order.orderId),
      { what: 'the redriven delivery' },
    );
    expect(delivered.id).toBe(letter.event.id);
    const remaining = await listAll<DeadLetterView>(harness, '/admin/dead-letters', admin);
    expect(remaining.some((candidate) => candidate.id === letter.id)).toBe(false);
    // Redriving the same letter again finds nothing.
    expectProblem(
      await harness.request(`/admin/dead-letters/${letter.id}/redrive`, { method: 'POST', token: admin }),
      404,
      'dead_letter_not_found',
    );
  });

  it('redrive-all moves every dead letter back', async () => {
    audit.failing = true;
    const order = await placeConfirmed(bob, 'MUG-001');
    await waitFor(
      async () =>
        (await listAll<DeadLetterView>(harness, '/admin/dead-letters', admin)).some(
          (candidate) => candidate.event.detail.orderId === order.orderId,
        ) || undefined,
      { timeoutMs: 15_000, what: 'the dead letter' },
    );
    const parked = (await listAll<DeadLetterView>(harness, '/admin/dead-letters', admin)).length;
    audit.failing = false;
    const response = await harness.request<{ redriven: number }>('/admin/dead-letters/redrive', {
      method: 'POST',
      token: admin,
    });
    expect(response.status).toBe(202);
    expect(response.body.redriven).toBe(parked);
    await waitFor(
      async () =>
        audit.delivered.some((event) => (event.detail as { orderId?: string }).orderId === order.orderId) ||
        undefined,
      { what: 'the redriven delivery' },
    );
    await harness.region.bus.drain();
    expect(await listAll(harness, '/admin/dead-letters', admin)).toEqual([]);
  });
});
