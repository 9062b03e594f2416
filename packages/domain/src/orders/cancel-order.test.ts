import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DomainContext } from '../shared/context';
import { loadOrder, orderWrite } from '../store/repositories';
import { type InMemoryItemStore, inMemoryContext } from '../testing/in-memory-item-store';
import { fixtureProduct, seedOrder as seedFixtureOrder } from '../testing/order-fixtures';
import { cancelOrder } from './cancel-order';
import { type Order, OrderNotCancellableError, OrderNotFoundError } from './order';
import type { OrderWorkflow } from './order-workflow';

const _AT = '2025-01-01T00:00:00.000Z';

let ctx: DomainContext;
let store: InMemoryItemStore;
let workflow: OrderWorkflow & { startOrderSaga: ReturnType<typeof vi.fn> };

beforeEach(() => {
  ({ ctx, store } = inMemoryContext());
  workflow = { startOrderSaga: vi.fn(async () => {}) };
});

function seedOrder(changes: Partial<Order> = {}): Promise<Order> {
  return seedFixtureOrder(
    ctx,
    { product: fixtureProduct({ sku: 'A', priceMinor: 700 }), quantity: 1 },
    changes,
  );
}

describe('cancelOrder', () => {
  it('flags a pending order with its event and leaves the running saga to compensate', async () => {
    const order = await seedOrder();

    const cancelled = await cancelOrder(ctx, workflow, { orderId: order.orderId, customerId: 'cust-1' });

    expect(cancelled).toMatchObject({ status: 'PENDING', cancelRequested: true });
    expect(cancelled.timeline.at(-1)?.type).toBe('CANCEL_REQUESTED');
    expect((await loadOrder(store, order.orderId))?.value.cancelRequested).toBe(true);
    expect(store.events.map((event) => event['detail-type'])).toEqual(['OrderCancelRequested']);
    expect(workflow.startOrderSaga).not.toHaveBeenCalled();
  });

  it('starts the cancellation run for a confirmed order', async () => {
    const order = await seedOrder({ status: 'CONFIRMED' });

    await cancelOrder(ctx, workflow, { orderId: order.orderId });

    expect(workflow.startOrderSaga.mock.calls).toEqual([[order.orderId, 'cancel']]);
  });

  it('stands when the cancellation run fails to start: the request is committed, its event starts the run', async () => {
    const order = await seedOrder({ status: 'CONFIRMED' });
    workflow.startOrderSaga.mockRejectedValueOnce(new Error('engine down'));

    const cancelled = await cancelOrder(ctx, workflow, { orderId: order.orderId });

    expect(cancelled).toMatchObject({ status: 'CONFIRMED', cancelRequested: true });
    expect((await loadOrder(store, order.orderId))?.value.cancelRequested).toBe(true);
    expect(store.events.map((event) => event['detail-type'])).toEqual(['OrderCancelRequested']);
    // Asking again tries the start again.
    await cancelOrder(ctx, workflow, { orderId: order.orderId });
    expect(workflow.startOrderSaga.mock.calls).toEqual([
      [order.orderId, 'cancel'],
      [order.orderId, 'cancel'],
    ]);
  });

  it('is harmless when asked twice: one write, one event', async () => {
    const order = await seedOrder();
    await cancelOrder(ctx, workflow, { orderId: order.orderId });
    const committed = store.transactions.length;

    const again = await cancelOrder(ctx, workflow, { orderId: order.orderId });

    expect(again.cancelRequested).toBe(true);
    expect(store.transactions).toHaveLength(committed);
  });

  it('hides another customer’s order as not found and changes nothing', async () => {
    const order = await seedOrder();
    const committed = store.transactions.length;

    await expect(
      cancelOrder(ctx, workflow, { orderId: order.orderId, customerId: 'cust-2' }),
    ).rejects.toThrow(OrderNotFoundError);
    expect(store.transactions).toHaveLength(committed);
  });

  it.each([
    ['a failed order', { status: 'FAILED' }],
    [
      'a shipped order',
      {
        status: 'CONFIRMED',
        shipment: { shipmentId: 's', carrier: 'c', trackingNumber: 't', status: 'SHIPPED' },
      },
    ],
    ['an order owned by another region', { region: 'eu-west-1' }],
  ] as Array<[string, Partial<Order>]>)('refuses %s and changes nothing', async (_, changes) => {
    const order = await seedOrder(changes);
    const committed = store.transactions.length;

    await expect(cancelOrder(ctx, workflow, { orderId: order.orderId })).rejects.toThrow(
      OrderNotCancellableError,
    );
    expect(store.transactions).toHaveLength(committed);
    expect(workflow.startOrderSaga).not.toHaveBeenCalled();
  });

  it('retries over a concurrent write to the order instead of failing', async () => {
    const order = await seedOrder();
    const transact = store.transact.bind(store);
    let interfered = false;
    vi.spyOn(store, 'transact').mockImplementation(async (writes, events) => {
      if (!interfered) {
        interfered = true;
        const current = await loadOrder(store, order.orderId);
        if (current)
          await transact([orderWrite({ ...current.value, updatedAt: 'concurrently' }, current.version)]);
      }
      return transact(writes, events);
    });

    const cancelled = await cancelOrder(ctx, workflow, { orderId: order.orderId });

    expect(cancelled.cancelRequested).toBe(true);
    expect((await loadOrder(store, order.orderId))?.version).toBe(3);
  });
});
