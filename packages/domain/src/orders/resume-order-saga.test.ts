import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DomainContext } from '../shared/context';
import { type InMemoryItemStore, inMemoryContext } from '../testing/in-memory-item-store';
import { fixtureProduct, seedOrder as seedFixtureOrder } from '../testing/order-fixtures';
import type { Order } from './order';
import type { OrderWorkflow } from './order-workflow';
import { awaitedSaga, resumeOrderSaga, sweepOrderSagas } from './resume-order-saga';

let ctx: DomainContext;
let store: InMemoryItemStore;
let workflow: OrderWorkflow & { startOrderSaga: ReturnType<typeof vi.fn> };

const MINUTE = 60_000;
const ago = (ms: number) => new Date(ctx.clock.now() - ms).toISOString();

beforeEach(() => {
  ({ ctx, store } = inMemoryContext({ region: 'us-east-1', regions: ['us-east-1', 'eu-west-1'] }));
  workflow = { startOrderSaga: vi.fn(async () => {}) };
});

function seedOrder(changes: Partial<Order> = {}): Promise<Order> {
  return seedFixtureOrder(
    ctx,
    { product: fixtureProduct({ sku: 'A', priceMinor: 700 }), quantity: 1 },
    changes,
  );
}

describe('awaitedSaga', () => {
  it.each([
    ['a PENDING order', { status: 'PENDING' }, 'place'],
    [
      'a CONFIRMED order with a cancellation requested',
      { status: 'CONFIRMED', cancelRequested: true },
      'cancel',
    ],
    [
      'a PENDING order with a cancellation requested (its run stops itself)',
      { cancelRequested: true },
      'place',
    ],
    ['a CONFIRMED order', { status: 'CONFIRMED' }, undefined],
    ['a FAILED order', { status: 'FAILED' }, undefined],
    ['a CANCELLED order', { status: 'CANCELLED', cancelRequested: true }, undefined],
    ['another region’s PENDING order', { region: 'eu-west-1' }, undefined],
  ] as const)('%s → %s', async (_label, changes, expected) => {
    const order = await seedOrder(changes as Partial<Order>);
    expect(awaitedSaga(order, 'us-east-1')).toBe(expected);
  });
});

describe('resumeOrderSaga', () => {
  it('starts the run the order awaits, and nothing for an order that awaits none', async () => {
    const pending = await seedOrder();
    const cancelling = await seedOrder({ status: 'CONFIRMED', cancelRequested: true });
    const done = await seedOrder({ status: 'CONFIRMED' });

    expect(await resumeOrderSaga(ctx, workflow, pending.orderId)).toBe('place');
    expect(await resumeOrderSaga(ctx, workflow, cancelling.orderId)).toBe('cancel');
    expect(await resumeOrderSaga(ctx, workflow, done.orderId)).toBeUndefined();
    expect(await resumeOrderSaga(ctx, workflow, 'ord_missing_us-east-1')).toBeUndefined();
    expect(workflow.startOrderSaga.mock.calls).toEqual([
      [pending.orderId, 'place'],
      [cancelling.orderId, 'cancel'],
    ]);
  });

  it('throws when the start fails, so the event is retried', async () => {
    const pending = await seedOrder();
    workflow.startOrderSaga.mockRejectedValueOnce(new Error('engine down'));

    await expect(resumeOrderSaga(ctx, workflow, pending.orderId)).rejects.toThrow('engine down');
  });
});

describe('sweepOrderSagas', () => {
  const window = { minAgeMs: 2 * MINUTE, maxAgeMs: 60 * MINUTE };

  it('starts what the orders in the window await, leaving the newest and the oldest alone', async () => {
    const fresh = await seedOrder({ createdAt: ago(MINUTE) });
    const stuck = await seedOrder({ createdAt: ago(5 * MINUTE) });
    const cancelling = await seedOrder({
      createdAt: ago(10 * MINUTE),
      status: 'CONFIRMED',
      cancelRequested: true,
    });
    await seedOrder({ createdAt: ago(20 * MINUTE), status: 'CONFIRMED' });
    await seedOrder({ createdAt: ago(30 * MINUTE), region: 'eu-west-1' });
    await seedOrder({ createdAt: ago(2 * 60 * MINUTE) });

    const result = await sweepOrderSagas(ctx, workflow, window);

    expect(result).toEqual({
      examined: 4,
      started: [
        { orderId: stuck.orderId, mode: 'place' },
        { orderId: cancelling.orderId, mode: 'cancel' },
      ],
      closed: [],
      failed: [],
    });
    expect(workflow.startOrderSaga).not.toHaveBeenCalledWith(fresh.orderId, expect.anything());
  });

  it('reads past a page of orders and goes on after a failed start', async () => {
    const orders: Order[] = [];
    for (let index = 0; index < 205; index++)
      orders.push(await seedOrder({ createdAt: ago(3 * MINUTE + index) }));
    const [first] = orders;
    workflow.startOrderSaga.mockRejectedValueOnce(new Error('engine down'));

    const result = await sweepOrderSagas(ctx, workflow, window);

    expect(result.examined).toBe(205);
    expect(result.failed).toEqual([
      { orderId: first?.orderId, mode: 'place', error: new Error('engine down') },
    ]);
    expect(result.started).toHaveLength(204);
    expect(store.transactions).toHaveLength(205);
  });

  it('closes a PENDING order whose place run ended without closing it, once it is old enough', async () => {
    const runs = new Map<string, 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT'>();
    const described: OrderWorkflow & { startOrderSaga: ReturnType<typeof vi.fn> } = {
      startOrderSaga: vi.fn(async () => {}),
      describeOrderSaga: async (orderId) => runs.get(orderId),
    };
    const timedOut = await seedOrder({ createdAt: ago(70 * MINUTE) });
    const failed = await seedOrder({ createdAt: ago(80 * MINUTE) });
    const running = await seedOrder({ createdAt: ago(90 * MINUTE) });
    const young = await seedOrder({ createdAt: ago(30 * MINUTE) });
    runs.set(timedOut.orderId, 'TIMED_OUT');
    runs.set(failed.orderId, 'FAILED');
    runs.set(running.orderId, 'RUNNING');
    runs.set(young.orderId, 'FAILED');

    const result = await sweepOrderSagas(ctx, described, {
      minAgeMs: 2 * MINUTE,
      maxAgeMs: 24 * 60 * MINUTE,
      unfinishedAfterMs: 65 * MINUTE,
    });

    expect(result.closed).toEqual([timedOut.orderId, failed.orderId]);
    expect(described.startOrderSaga.mock.calls.filter(([, mode]) => mode === 'cancel')).toEqual([
      [timedOut.orderId, 'cancel'],
      [failed.orderId, 'cancel'],
    ]);
  });
});
