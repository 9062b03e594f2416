import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, listAll } from '../support/assertions';
import {
  newKey,
  type OrderView,
  orderBody,
  type RequestOptions,
  type Stock,
  startTestRegion,
  type TestRegion,
} from '../support/region-harness';

let harness: TestRegion;
let alice: string;
let bob: string;
let admin: string;

beforeAll(async () => {
  harness = await startTestRegion();
  [alice, bob, admin] = await Promise.all([
    harness.token('alice'),
    harness.token('bob'),
    harness.token('admin'),
  ]);
});
afterAll(async () => {
  await harness?.close();
});

async function placeConfirmed(sku = 'MUG-001', quantity = 1): Promise<OrderView> {
  const placed = await harness.placeOrder(orderBody({ sku, quantity }), { token: alice, key: newKey() });
  expect(placed.status).toBe(202);
  const order = await harness.waitForTerminal(placed.body.orderId, alice);
  expect(order.status).toBe('CONFIRMED');
  return order;
}

describe('placing an order', () => {
  it('answers 202 PENDING with a Location to poll, priced from the catalog', async () => {
    const response = await harness.placeOrder(orderBody({ sku: 'PEN-001', quantity: 2 }), {
      token: alice,
      key: newKey(),
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-meridian-region')).toBe('us-east-1');
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    expect(response.headers.get('location')).toBe(`/api/v1/orders/${response.body.orderId}`);
    expect(response.body).toMatchObject({
      customerId: 'alice',
      region: 'us-east-1',
      status: 'PENDING',
      cancelRequested: false,
    });
    expect(response.body.orderId).toMatch(/^ord_[0-9A-Za-z]+_us-east-1$/);
    // 2 × 32.00 = 64.00: at least 50.00, so shipping is free.
    expect(response.body.lines).toEqual([
      expect.objectContaining({ sku: 'PEN-001', quantity: 2, unitPriceMinor: 3200, lineTotalMinor: 6400 }),
    ]);
    expect(response.body.totalMinor).toBe(6400);
    await harness.waitForTerminal(response.body.orderId, alice);
  });

  it('adds flat shipping below 50.00', async () => {
    const response = await harness.placeOrder(orderBody({ sku: 'MUG-001', quantity: 1 }), {
      token: alice,
      key: newKey(),
    });
    expect(response.body).toMatchObject({ subtotalMinor: 1450, shippingMinor: 499, totalMinor: 1949 });
    const order = await harness.waitForTerminal(response.body.orderId, alice);
    const ledger = await harness.payments.ledger(order.orderId);
    expect(ledger.map((entry) => entry.amount)).toEqual([1949, 1949]);
  });
});

describe('idempotency', () => {
  it('same key and same body → the same order, one order, one authorization and one capture', async () => {
    const key = newKey();
    const body = orderBody({ sku: 'NOTE-001', quantity: 3 });
    const first = await harness.placeOrder(body, { token: alice, key });
    // Same content, other key order and formatting: still the same request.
    const reordered = {
      shippingAddress: body.shippingAddress,
      paymentMethod: body.paymentMethod,
      items: body.items,
    };
    const second = await harness.placeOrder(reordered, { token: alice, key });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.orderId).toBe(first.body.orderId);
    expect(second.headers.get('idempotent-replayed')).toBe('true');

    const order = await harness.waitForTerminal(first.body.orderId, alice);
    expect(order.status).toBe('CONFIRMED');
    const third = await harness.placeOrder(body, { token: alice, key });
    expect(third.body).toMatchObject({ orderId: order.orderId, status: 'CONFIRMED' });

    const mine = await listAll<OrderView>(harness, '/orders', alice);
    expect(mine.filter((candidate) => candidate.orderId === order.orderId)).toHaveLength(1);
    const ledger = await harness.payments.ledger(order.orderId);
    expect(ledger.filter((entry) => entry.type === 'authorization')).toHaveLength(1);
    expect(ledger.filter((entry) => entry.type === 'capture')).toHaveLength(1);
    expect(await harness.stockOf('NOTE-001')).toMatchObject({ sold: 3, reserved: 0 });
  });

  it('replaying the key of a FAILED order returns that order and runs nothing again', async () => {
    const key = newKey();
    const body = orderBody({ paymentMethod: 'pm_card_chargeDeclined' });
    const first = await harness.placeOrder(body, { token: alice, key });
    const failed = await harness.waitForTerminal(first.body.orderId, alice);
    expect(failed.status).toBe('FAILED');
    const replay = await harness.placeOrder(body, { token: alice, key });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ orderId: failed.orderId, status: 'FAILED' });
    await harness.region.bus.drain();
    expect((await harness.payments.ledger(failed.orderId)).map((entry) => entry.type)).toEqual(['decline']);
  });

  it('concurrent requests with one key create exactly one order', async () => {
    const key = newKey();
    const before = (await listAll<OrderView>(harness, '/admin/orders', admin)).length;
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        harness.placeOrder(orderBody({ sku: 'BAG-001' }), { token: alice, key }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(202));
    const ids = new Set(responses.map((response) => response.body.orderId));
    expect(ids.size).toBe(1);
    const [orderId] = [...ids] as [string];
    await harness.waitForTerminal(orderId, alice);
    expect((await listAll<OrderView>(harness, '/admin/orders', admin)).length).toBe(before + 1);
    const ledger = await harness.payments.ledger(orderId);
    expect(ledger.filter((entry) => entry.type === 'capture')).toHaveLength(1);
    expect(await harness.stockOf('BAG-001')).toMatchObject({ sold: 1, reserved: 0 });
  });

  it('same key with another body → 422 idempotency_key_reused, and the first order is untouched', async () => {
    const key = newKey();
    const first = await harness.placeOrder(orderBody({ quantity: 1 }), { token: alice, key });
    expect(first.status).toBe(202);
    const ordersBefore = (await listAll<OrderView>(harness, '/admin/orders', admin)).length;
    const reused = await harness.placeOrder(orderBody({ quantity: 2 }), { token: alice, key });
    expectProblem(reused, 422, 'idempotency_key_reused');
    expect((await listAll<OrderView>(harness, '/admin/orders', admin)).length).toBe(ordersBefore);
    const order = await harness.waitForTerminal(first.body.orderId, alice);
    expect(order.lines[0]?.quantity).toBe(1);
  });

  it('keys are per customer: bob reusing alice’s key gets his own order', async () => {
    const key = newKey();
    const body = orderBody({ sku: 'TEE-001' });
    const aliceOrder = await harness.placeOrder(body, { token: alice, key });
    const bobOrder = await harness.placeOrder(body, { token: bob, key });
    expect(bobOrder.status).toBe(202);
    expect(bobOrder.body.orderId).not.toBe(aliceOrder.body.orderId);
    expect(bobOrder.body.customerId).toBe('bob');
    await harness.waitForTerminal(aliceOrder.body.orderId, alice);
    await harness.waitForTerminal(bobOrder.body.orderId, bob);
  });

  it('refuses a missing, empty, over-long or non-visible-ASCII key with 400 idempotency_key_required', async () => {
    const before = (await listAll<OrderView>(harness, '/admin/orders', admin)).length;
    expectProblem(await harness.placeOrder(orderBody(), { token: alice }), 400, 'idempotency_key_required');
    expectProblem(
      await harness.placeOrder(orderBody(), { token: alice, key: '' }),
      400,
      'idempotency_key_required',
    );
    expectProblem(
      await harness.placeOrder(orderBody(), { token: alice, key: 'k'.repeat(256) }),
      400,
      'idempotency_key_required',
    );
    for (const key of ['two words', 'tab\there', 'caf\u00e9']) {
      expectProblem(
        await harness.placeOrder(orderBody(), { token: alice, key }),
        400,
        'idempotency_key_required',
      );
    }
    expect((await listAll<OrderView>(harness, '/admin/orders', admin)).length).toBe(before);
  });
});

describe('bad input changes nothing', () => {
  interface Snapshot {
    orders: number;
    executions: number;
    stock: Stock;
  }
  const SKU = 'LAMP-001';

  async function snapshot(): Promise<Snapshot> {
    return {
      orders: (await listAll(harness, '/admin/orders', admin)).length,
      executions: (await listAll(harness, '/admin/executions', admin)).length,
      stock: await harness.stockOf(SKU),
    };
  }

  const valid = () => orderBody({ sku: SKU });
  const withItems = (items: unknown) => ({ ...valid(), items });
  const withAddress = (changes: Record<string, unknown>) => ({
    ...valid(),
    shippingAddress: { ...valid().shippingAddress, ...changes },
  });
  const json = (body: unknown): RequestOptions => ({ json: body });

  const cases: Array<[string, RequestOptions, number, string]> = [
    [
      'malformed JSON',
      { body: '{"items": [', headers: { 'content-type': 'application/json' } },
      400,
      'malformed_json',
    ],
    [
      'an empty body',
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      400,
      'malformed_json',
    ],
    [
      'a JSON array body',
      { body: '[]', headers: { 'content-type': 'application/json' } },
      400,
      'invalid_request',
    ],
    [
      'a JSON null body',
      { body: 'null', headers: { 'content-type': 'application/json' } },
      400,
      'invalid_request',
    ],
    ['items as a string', json(withItems(SKU)), 400, 'invalid_request'],
    ['quantity as a string', json(withItems([{ sku: SKU, quantity: '1' }])), 400, 'invalid_request'],
    ['paymentMethod as a number', json({ ...valid(), paymentMethod: 42 }), 400, 'invalid_request'],
    [
      'a missing shipping address',
      json({ items: valid().items, paymentMethod: 'pm_card_visa' }),
      400,
      'invalid_request',
    ],
    ['quantity 0', json(withItems([{ sku: SKU, quantity: 0 }])), 400, 'invalid_request'],
    ['quantity -1', json(withItems([{ sku: SKU, quantity: -1 }])), 400, 'invalid_request'],
    ['quantity 1e9', json(withItems([{ sku: SKU, quantity: 1e9 }])), 400, 'invalid_request'],
    ['quantity 1.5', json(withItems([{ sku: SKU, quantity: 1.5 }])), 400, 'invalid_request'],
    ['an unknown SKU', json(withItems([{ sku: 'NOPE-001', quantity: 1 }])), 422, 'invalid_order'],
    ['a malformed SKU', json(withItems([{ sku: 'lamp 1', quantity: 1 }])), 400, 'invalid_request'],
    ['empty items', json(withItems([])), 400, 'invalid_request'],
    [
      '51 lines',
      json(withItems(Array.from({ length: 51 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 })))),
      400,
      'invalid_request',
    ],
    ['an unknown top-level field', json({ ...valid(), discountPercent: 100 }), 400, 'invalid_request'],
    [
      'an unknown item field',
      json(withItems([{ sku: SKU, quantity: 1, priceMinor: 1 }])),
      400,
      'invalid_request',
    ],
    ['an unknown address field', json(withAddress({ floor: '3' })), 400, 'invalid_request'],
    ['a client-side total', json({ ...valid(), totalMinor: 1 }), 400, 'invalid_request'],
    ['an oversized body', json({ ...valid(), padding: 'x'.repeat(40 * 1024) }), 413, 'payload_too_large'],
    [
      'a text/plain body',
      { body: JSON.stringify(valid()), headers: { 'content-type': 'text/plain' } },
      415,
      'unsupported_media_type',
    ],
    [
      'a text/plain content type with an empty body',
      { body: '', headers: { 'content-type': 'text/plain' } },
      415,
      'unsupported_media_type',
    ],
    [
      'a JSON body declared with several structured-syntax suffixes',
      { body: JSON.stringify(valid()), headers: { 'content-type': 'application/a+b+json' } },
      415,
      'unsupported_media_type',
    ],
    [
      'a form body',
      { body: 'items=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      415,
      'unsupported_media_type',
    ],
    ['a lower-case country', json(withAddress({ country: 'us' })), 400, 'invalid_request'],
    ['a three-letter country', json(withAddress({ country: 'USA' })), 400, 'invalid_request'],
    ['a numeric country', json(withAddress({ country: 'U1' })), 400, 'invalid_request'],
    ['a blank city', json(withAddress({ city: '   ' })), 400, 'invalid_request'],
    ['a NUL in the name', json(withAddress({ name: 'Alice\u0000Rivera' })), 400, 'invalid_request'],
    [
      'CR/LF in the street (header or log injection)',
      json(withAddress({ line1: '1 Main St\r\nX-Injected: yes' })),
      400,
      'invalid_request',
    ],
    ['a tab in the city', json(withAddress({ city: 'Spring\tfield' })), 400, 'invalid_request'],
    ['an escape sequence in line2', json(withAddress({ line2: '\u001b[31mred' })), 400, 'invalid_request'],
    [
      'a right-to-left override in the name',
      json(withAddress({ name: 'Alice\u202eevil' })),
      400,
      'invalid_request',
    ],
    [
      'a lone surrogate in the postal code',
      json(withAddress({ postalCode: '12\ud800' })),
      400,
      'invalid_request',
    ],
    ['a malformed payment method', json({ ...valid(), paymentMethod: 'visa' }), 400, 'invalid_request'],
    [
      'duplicate SKU lines',
      json(
        withItems([
          { sku: SKU, quantity: 1 },
          { sku: SKU, quantity: 2 },
        ]),
      ),
      422,
      'invalid_order',
    ],
  ];

  it.each(cases)('%s → %i %s', async (_label, options, status, code) => {
    const before = await snapshot();
    const response = await harness.request('/orders', {
      method: 'POST',
      token: alice,
      ...options,
      headers: { 'idempotency-key': newKey('bad'), ...options.headers },
    });
    const problem = expectProblem(response, status, code);
    if (code === 'invalid_request') expect(problem.errors?.length).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
  });

  it('an oversized body streamed without Content-Length is refused too', async () => {
    const before = await snapshot();
    const chunk = new TextEncoder().encode(JSON.stringify({ ...valid(), padding: 'x'.repeat(40 * 1024) }));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(`${harness.baseUrl}/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice}`,
        'content-type': 'application/json',
        'idempotency-key': newKey(),
      },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await snapshot()).toEqual(before);
  });

  it('a refused request does not burn its idempotency key', async () => {
    const key = newKey();
    expectProblem(
      await harness.placeOrder(withItems([{ sku: SKU, quantity: 0 }]), { token: alice, key }),
      400,
      'invalid_request',
    );
    expectProblem(
      await harness.placeOrder(withItems([{ sku: 'NOPE-001', quantity: 1 }]), { token: alice, key }),
      422,
      'invalid_order',
    );
    const accepted = await harness.placeOrder(valid(), { token: alice, key });
    expect(accepted.status).toBe(202);
    expect((await harness.waitForTerminal(accepted.body.orderId, alice)).status).toBe('CONFIRMED');
  });

  it('an inactive product cannot be ordered (422), and nothing changes', async () => {
    const created = await harness.request('/admin/products', {
      token: admin,
      json: { sku: 'RETIRED-001', name: 'Retired', priceMinor: 100, active: false },
    });
    expect(created.status).toBe(201);
    const before = await snapshot();
    const response = await harness.placeOrder(withItems([{ sku: 'RETIRED-001', quantity: 1 }]), {
      token: alice,
      key: newKey(),
    });
    expectProblem(response, 422, 'invalid_order');
    expect(await snapshot()).toEqual(before);
  });
});

describe('cancelling', () => {
  it('a CONFIRMED order → 202, ends CANCELLED, refunded in full, stock back where it was', async () => {
    const initial = await harness.stockOf('GLOBE-001');
    const order = await placeConfirmed('GLOBE-001', 2);
    expect(await harness.stockOf('GLOBE-001')).toEqual({
      ...initial,
      available: initial.available - 2,
      sold: initial.sold + 2,
    });

    const response = await harness.request<OrderView>(`/orders/${order.orderId}/cancel`, {
      method: 'POST',
      token: alice,
    });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ orderId: order.orderId, cancelRequested: true });

    const cancelled = await harness.waitForTerminal(order.orderId, alice);
    expect(cancelled.status).toBe('CANCELLED');
    expect(cancelled.payment).toMatchObject({ status: 'REFUNDED', refundedMinor: order.totalMinor });
    expect(cancelled.shipment?.status).toBe('CANCELLED');
    const ledger = await harness.payments.ledger(order.orderId);
    const capture = ledger.find((entry) => entry.type === 'capture');
    const refunds = ledger.filter((entry) => entry.type === 'refund');
    expect(refunds).toHaveLength(1);
    expect(refunds[0]?.amount).toBe(capture?.amount);
    expect(await harness.stockOf('GLOBE-001')).toEqual(initial);
  });

  it('twice is harmless: one cancellation run, one refund', async () => {
    const order = await placeConfirmed('TEE-001');
    const first = await harness.request(`/orders/${order.orderId}/cancel`, { method: 'POST', token: alice });
    const second = await harness.request(`/orders/${order.orderId}/cancel`, { method: 'POST', token: alice });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect((await harness.waitForTerminal(order.orderId, alice)).status).toBe('CANCELLED');
    const third = await harness.request<OrderView>(`/orders/${order.orderId}/cancel`, {
      method: 'POST',
      token: alice,
    });
    expect(third.status).toBe(202);
    expect(third.body.status).toBe('CANCELLED');
    const ledger = await harness.payments.ledger(order.orderId);
    expect(ledger.filter((entry) => entry.type === 'refund')).toHaveLength(1);
    const runs = (await listAll<{ name: string }>(harness, '/admin/executions', admin)).filter((execution) =>
      execution.name.startsWith(order.orderId),
    );
    expect(runs.map((execution) => execution.name).sort()).toEqual([
      order.orderId,
      `${order.orderId}-cancel`,
    ]);
  });

  it('after the admin shipped it → 409, and the order stays shipped and charged', async () => {
    const order = await placeConfirmed('PEN-001');
    const shipped = await harness.request<OrderView>(`/admin/orders/${order.orderId}/ship`, {
      method: 'POST',
      token: admin,
    });
    expect(shipped.status).toBe(200);
    expect(shipped.body.shipment?.status).toBe('SHIPPED');
    const stockAfterShip = await harness.stockOf('PEN-001');

    const response = await harness.request(`/orders/${order.orderId}/cancel`, {
      method: 'POST',
      token: alice,
    });
    expectProblem(response, 409, 'order_not_cancellable');
    const after = await harness.getOrder(order.orderId, alice);
    expect(after).toMatchObject({
      status: 'CONFIRMED',
      cancelRequested: false,
      shipment: { status: 'SHIPPED' },
    });
    expect((await harness.payments.ledger(order.orderId)).map((entry) => entry.type)).toEqual([
      'authorization',
      'capture',
    ]);
    expect(await harness.stockOf('PEN-001')).toEqual(stockAfterShip);
  });

  it('shipping twice is idempotent; shipping an unknown order is 404', async () => {
    const order = await placeConfirmed('PEN-001');
    const first = await harness.request<OrderView>(`/admin/orders/${order.orderId}/ship`, {
      method: 'POST',
      token: admin,
    });
    const second = await harness.request<OrderView>(`/admin/orders/${order.orderId}/ship`, {
      method: 'POST',
      token: admin,
    });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body.timeline.filter((entry) => entry.type === 'SHIPPED')).toHaveLength(1);
    expectProblem(
      await harness.request('/admin/orders/ord_unknown_us-east-1/ship', { method: 'POST', token: admin }),
      404,
      'order_not_found',
    );
  });

  it("someone else's order → 404, and it is not cancelled", async () => {
    const order = await placeConfirmed('MUG-001');
    expectProblem(
      await harness.request(`/orders/${order.orderId}/cancel`, { method: 'POST', token: bob }),
      404,
      'order_not_found',
    );
    const after = await harness.getOrder(order.orderId, alice);
    expect(after).toMatchObject({ status: 'CONFIRMED', cancelRequested: false });
    expect((await harness.payments.ledger(order.orderId)).some((entry) => entry.type === 'refund')).toBe(
      false,
    );
  });

  it('a FAILED order → 409, and a cancelled order cannot be shipped (409)', async () => {
    const placed = await harness.placeOrder(orderBody({ paymentMethod: 'pm_card_chargeDeclined' }), {
      token: alice,
      key: newKey(),
    });
    const failed = await harness.waitForTerminal(placed.body.orderId, alice);
    expect(failed.status).toBe('FAILED');
    expectProblem(
      await harness.request(`/orders/${failed.orderId}/cancel`, { method: 'POST', token: alice }),
      409,
      'order_not_cancellable',
    );
    expectProblem(
      await harness.request(`/admin/orders/${failed.orderId}/ship`, { method: 'POST', token: admin }),
      409,
      'order_not_shippable',
    );
  });

  it('an admin may cancel any order', async () => {
    const order = await placeConfirmed('NOTE-001');
    expect(
      (await harness.request(`/orders/${order.orderId}/cancel`, { method: 'POST', token: admin })).status,
    ).toBe(202);
    expect((await harness.waitForTerminal(order.orderId, alice)).status).toBe('CANCELLED');
  });
});

describe('listing cursors', () => {
  it('pages with the cursors it issues, and refuses tampered, hand-made and foreign ones with 400', async () => {
    // Two orders and their notifications, so /orders and /notifications each have a second page.
    await placeConfirmed('MUG-001');
    await placeConfirmed('MUG-001');
    const page = async (path: string, token = alice) =>
      harness.request<{ items: unknown[]; nextCursor?: string }>(path, { token });
    const orders = await page('/orders?limit=1');
    const ordersCursor = orders.body.nextCursor ?? '';
    expect(ordersCursor).not.toBe('');
    expect((await page(`/orders?limit=1&cursor=${encodeURIComponent(ordersCursor)}`)).status).toBe(200);

    let notificationsCursor: string | undefined;
    for (let attempt = 0; attempt < 200 && !notificationsCursor; attempt++) {
      notificationsCursor = (await page('/notifications?limit=1')).body.nextCursor;
      if (!notificationsCursor) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(notificationsCursor).toEqual(expect.any(String));

    const handMade = Buffer.from(JSON.stringify(['2999-01-01T00:00:00.000Z#x', 'ORDER#x', 'ORDER'])).toString(
      'base64url',
    );
    for (const [cursor, token] of [
      [`${ordersCursor}!!!`, alice],
      [`${ordersCursor}==`, alice],
      [handMade, alice],
      [notificationsCursor ?? '', alice],
      // Alice's cursor is not a position in Bob's listing.
      [ordersCursor, bob],
    ] as const) {
      expectProblem(
        await harness.request(`/orders?limit=1&cursor=${encodeURIComponent(cursor)}`, { token }),
        400,
        'invalid_cursor',
      );
    }
    // And an /orders cursor is no /admin/orders cursor either.
    expectProblem(
      await harness.request(`/admin/orders?limit=1&cursor=${encodeURIComponent(ordersCursor)}`, {
        token: admin,
      }),
      400,
      'invalid_cursor',
    );
  });
});
