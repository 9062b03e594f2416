import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Product } from '../catalog/product';
import type { DomainContext } from '../shared/context';
import { keys } from '../store/keys';
import { loadOrder, orderWrite, productWrite } from '../store/repositories';
import { type InMemoryItemStore, inMemoryContext } from '../testing/in-memory-item-store';
import { claimsOverlap, type IdempotencyClaim } from './idempotency-claims';
import { InvalidOrderError } from './order';
import type { OrderWorkflow } from './order-workflow';
import { IdempotencyKeyReusedError, type PlaceOrderInput, placeOrder } from './place-order';

const AT = '2025-01-01T00:00:00.000Z';

let ctx: DomainContext;
let store: InMemoryItemStore;
let workflow: OrderWorkflow & { startOrderSaga: ReturnType<typeof vi.fn> };

function product(sku: string, priceMinor: number): Product {
  return {
    sku,
    name: sku,
    description: '',
    priceMinor,
    currency: 'USD',
    active: true,
    category: 'c',
    createdAt: AT,
    updatedAt: AT,
  };
}

function request(overrides: Partial<PlaceOrderInput> = {}): PlaceOrderInput {
  return {
    customerId: 'cust-1',
    idempotencyKey: 'key-1',
    requestFingerprint: 'fp-1',
    items: [
      { sku: 'A', quantity: 2 },
      { sku: 'B', quantity: 1 },
    ],
    shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Town', postalCode: '12345', country: 'US' },
    paymentMethod: 'pm_card_visa',
    ...overrides,
  };
}

beforeEach(async () => {
  ({ ctx, store } = inMemoryContext());
  workflow = { startOrderSaga: vi.fn(async () => {}) };
  await store.transact([
    productWrite(product('A', 1_000), 'absent'),
    productWrite(product('B', 250), 'absent'),
  ]);
});

describe('placeOrder', () => {
  it('stores the order, its region’s claim on the key and OrderPlaced in one transaction, then starts the saga', async () => {
    const committed = store.transactions.length;

    const { order, created } = await placeOrder(ctx, workflow, request());

    expect(created).toBe(true);
    expect(order).toMatchObject({
      status: 'PENDING',
      region: 'us-east-1',
      customerId: 'cust-1',
      subtotalMinor: 2_250,
      totalMinor: 2_749,
    });
    expect(store.transactions.slice(committed)).toEqual([
      {
        writes: [
          expect.objectContaining({ ...keys.order(order.orderId), expect: 'absent' }),
          expect.objectContaining({
            ...keys.idempotencyClaim('cust-1', 'key-1', 'us-east-1'),
            expect: 'absent',
          }),
        ],
        events: [
          expect.objectContaining({
            'detail-type': 'OrderPlaced',
            source: 'meridian.orders',
            region: 'us-east-1',
            resources: [`meridian:order/${order.orderId}`],
            detail: expect.objectContaining({
              orderId: order.orderId,
              totalMinor: 2_749,
              lines: [
                { sku: 'A', quantity: 2 },
                { sku: 'B', quantity: 1 },
              ],
            }),
          }),
        ],
      },
    ]);
    expect(await store.get(keys.idempotencyPartition('cust-1', 'key-1'), 'CLAIM#us-east-1')).toMatchObject({
      data: {
        orderId: order.orderId,
        region: 'us-east-1',
        customerId: 'cust-1',
        key: 'key-1',
        requestFingerprint: 'fp-1',
        expiresAt: Date.parse(AT) / 1000 + 86_400,
      },
    });
    expect(workflow.startOrderSaga.mock.calls).toEqual([[order.orderId, 'place']]);
  });

  it('returns the same order for the same key and body, writes nothing more, and makes sure its saga runs', async () => {
    const first = await placeOrder(ctx, workflow, request());
    const committed = store.transactions.length;

    const replay = await placeOrder(ctx, workflow, request());

    expect(replay).toEqual({ order: first.order, created: false });
    expect(store.transactions).toHaveLength(committed);
    expect(workflow.startOrderSaga.mock.calls).toEqual([
      [first.order.orderId, 'place'],
      [first.order.orderId, 'place'],
    ]);
  });

  it('accepts the order when its saga fails to start: the commit stands, and a replay starts the saga again', async () => {
    workflow.startOrderSaga.mockRejectedValueOnce(new Error('engine down'));

    const placed = await placeOrder(ctx, workflow, request());
    const replay = await placeOrder(ctx, workflow, request());

    expect(placed).toMatchObject({ created: true, order: { status: 'PENDING' } });
    expect(await loadOrder(store, placed.order.orderId)).toMatchObject({ value: placed.order });
    expect(replay).toEqual({ order: placed.order, created: false });
    expect(workflow.startOrderSaga.mock.calls).toEqual([
      [placed.order.orderId, 'place'],
      [placed.order.orderId, 'place'],
    ]);
    // OrderPlaced was committed with the order: the runtime's recovery starts the saga from it.
    expect(store.events.map((event) => event['detail-type'])).toEqual(['OrderPlaced']);
  });

  it('answers a replay even when the saga still cannot start', async () => {
    workflow.startOrderSaga.mockRejectedValue(new Error('engine down'));

    const placed = await placeOrder(ctx, workflow, request());
    const replay = await placeOrder(ctx, workflow, request());

    expect(replay).toEqual({ order: placed.order, created: false });
  });

  it('does not restart the saga of an order that is no longer PENDING', async () => {
    const { order } = await placeOrder(ctx, workflow, request());
    await store.transact([orderWrite({ ...order, status: 'CONFIRMED' }, 1)]);
    workflow.startOrderSaga.mockClear();

    const replay = await placeOrder(ctx, workflow, request());

    expect(replay.order.status).toBe('CONFIRMED');
    expect(workflow.startOrderSaga).not.toHaveBeenCalled();
  });

  it('answers a replay of another region’s order without starting its saga here', async () => {
    const { order } = await placeOrder(ctx, workflow, request());
    const peer = inMemoryContext({ region: 'eu-west-1', store });
    const peerWorkflow = { startOrderSaga: vi.fn(async () => {}) };

    const replay = await placeOrder(peer.ctx, peerWorkflow, request());

    expect(replay).toEqual({ order, created: false });
    expect(peerWorkflow.startOrderSaga).not.toHaveBeenCalled();
  });

  it('refuses the same key with another body and writes nothing', async () => {
    await placeOrder(ctx, workflow, request());
    const committed = store.transactions.length;
    workflow.startOrderSaga.mockClear();

    await expect(
      placeOrder(ctx, workflow, request({ requestFingerprint: 'fp-2', items: [{ sku: 'A', quantity: 9 }] })),
    ).rejects.toThrow(IdempotencyKeyReusedError);
    expect(store.transactions).toHaveLength(committed);
    expect(workflow.startOrderSaga).not.toHaveBeenCalled();
  });

  it('scopes keys to the customer: another customer may use the same key', async () => {
    const first = await placeOrder(ctx, workflow, request());

    const other = await placeOrder(
      ctx,
      workflow,
      request({ customerId: 'cust-2', requestFingerprint: 'fp-other' }),
    );

    expect(other.created).toBe(true);
    expect(other.order.orderId).not.toBe(first.order.orderId);
  });

  it('refuses an unknown SKU and writes nothing, starting nothing', async () => {
    const committed = store.transactions.length;

    await expect(
      placeOrder(
        ctx,
        workflow,
        request({
          items: [
            { sku: 'A', quantity: 1 },
            { sku: 'GHOST', quantity: 1 },
          ],
        }),
      ),
    ).rejects.toThrow(InvalidOrderError);
    expect(store.transactions).toHaveLength(committed);
    expect(workflow.startOrderSaga).not.toHaveBeenCalled();
  });

  it('lets two concurrent identical requests create exactly one order', async () => {
    const transact = vi.spyOn(store, 'transact');

    const [a, b] = await Promise.all([
      placeOrder(ctx, workflow, request()),
      placeOrder(ctx, workflow, request()),
    ]);

    expect(a.order).toEqual(b.order);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(transact, 'both requests got as far as writing: the race really happened').toHaveBeenCalledTimes(
      2,
    );
    expect(store.events.map((event) => event['detail-type'])).toEqual(['OrderPlaced']);
  });
});

describe('placeOrder: idempotency records expire after 24 hours', () => {
  const DAY_MS = 86_400_000;
  let nowMs: number;

  beforeEach(() => {
    nowMs = Date.parse(AT);
    ctx = { ...ctx, clock: { now: () => nowMs } };
  });

  it('replays until the record expires; then the key takes a new order, with any body', async () => {
    const first = await placeOrder(ctx, workflow, request());

    nowMs += DAY_MS - 1_000;
    expect(await placeOrder(ctx, workflow, request())).toEqual({ order: first.order, created: false });
    await expect(placeOrder(ctx, workflow, request({ requestFingerprint: 'fp-2' }))).rejects.toThrow(
      IdempotencyKeyReusedError,
    );

    nowMs += 1_000;
    const later = await placeOrder(ctx, workflow, request({ requestFingerprint: 'fp-2' }));

    expect(later.created).toBe(true);
    expect(later.order.orderId).not.toBe(first.order.orderId);
    const record = await store.get(keys.idempotencyPartition('cust-1', 'key-1'), 'CLAIM#us-east-1');
    expect(record).toMatchObject({
      version: 2,
      data: { orderId: later.order.orderId, requestFingerprint: 'fp-2', expiresAt: nowMs / 1000 + 86_400 },
    });
    // The old order is still there, untouched.
    expect(await store.get(keys.order(first.order.orderId).pk, 'ORDER')).toMatchObject({ version: 1 });
    // And the new record replays like any other.
    expect(await placeOrder(ctx, workflow, request({ requestFingerprint: 'fp-2' }))).toEqual({
      order: later.order,
      created: false,
    });
  });

  it('takes over an expired record only at the version it read', async () => {
    await placeOrder(ctx, workflow, request());
    nowMs += DAY_MS;
    const transact = vi.spyOn(store, 'transact');

    await placeOrder(ctx, workflow, request({ requestFingerprint: 'fp-2' }));

    expect(transact.mock.calls[0]?.[0]).toContainEqual(
      expect.objectContaining({ ...keys.idempotencyClaim('cust-1', 'key-1', 'us-east-1'), expect: 1 }),
    );
  });

  it('lets two concurrent requests for an expired key create exactly one order', async () => {
    await placeOrder(ctx, workflow, request());
    nowMs += DAY_MS;
    const transact = vi.spyOn(store, 'transact');

    const [a, b] = await Promise.all([
      placeOrder(ctx, workflow, request({ requestFingerprint: 'fp-2' })),
      placeOrder(ctx, workflow, request({ requestFingerprint: 'fp-2' })),
    ]);

    expect(transact, 'both requests got as far as writing').toHaveBeenCalledTimes(2);
    expect(a.order).toEqual(b.order);
    expect([a.created, b.created].sort()).toEqual([false, true]);
  });
});

describe('claimsOverlap', () => {
  const claim = (createdAt: string): IdempotencyClaim => ({
    customerId: 'c',
    key: 'k',
    region: 'us-east-1',
    orderId: `o-${createdAt}`,
    requestFingerprint: 'f',
    createdAt,
    expiresAt: Date.parse(createdAt) / 1000 + 86_400,
  });
  const first = claim('2025-01-01T00:00:00.000Z');

  it('counts a claim made while the other was live as the same use of the key', () => {
    expect(claimsOverlap(first, claim('2025-01-01T23:59:59.999Z'))).toBe(true);
    expect(claimsOverlap(claim('2025-01-01T23:59:59.999Z'), first)).toBe(true);
  });

  it('does not count a claim made after the other expired', () => {
    expect(claimsOverlap(first, claim('2025-01-02T00:00:00.000Z'))).toBe(false);
    expect(claimsOverlap(claim('2025-03-01T00:00:00.000Z'), first)).toBe(false);
  });
});
