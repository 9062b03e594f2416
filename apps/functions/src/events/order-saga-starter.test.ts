import { type DomainContext, type OrderWorkflow, orderWrite } from '@meridian/domain';
import { fixtureProduct, inMemoryContext, seedOrder } from '@meridian/domain/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createOrderSagaStarter } from './order-saga-starter';

let ctx: DomainContext;
let workflow: OrderWorkflow & { startOrderSaga: ReturnType<typeof vi.fn> };
let start: ReturnType<typeof createOrderSagaStarter>;

beforeEach(() => {
  ({ ctx } = inMemoryContext({ region: 'us-east-1' }));
  workflow = { startOrderSaga: vi.fn(async () => {}) };
  start = createOrderSagaStarter({ ctx, workflow, logger: { info: () => {} } });
});

/** An order event as EventBridge delivers it to the starter. */
function delivered(detailType: string, orderId: string) {
  return {
    version: '0',
    id: 'eventbridge-id',
    'detail-type': detailType,
    source: 'meridian.orders',
    account: '123456789012',
    time: '2025-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { schemaVersion: 1, orderId, eventId: `evt-${orderId}`, eventTime: '2025-01-01T00:00:00.000Z' },
  };
}

const order = (changes = {}) =>
  seedOrder(ctx, { product: fixtureProduct({ sku: 'A', priceMinor: 100 }), quantity: 1 }, changes);

describe('order saga starter', () => {
  it('starts the place run of a PENDING order from its OrderPlaced event', async () => {
    const pending = await order();

    expect(await start(delivered('OrderPlaced', pending.orderId))).toEqual({
      orderId: pending.orderId,
      started: 'place',
    });
    expect(workflow.startOrderSaga.mock.calls).toEqual([[pending.orderId, 'place']]);
  });

  it('starts the cancellation run of a confirmed order from its OrderCancelRequested event', async () => {
    const confirmed = await order({ status: 'CONFIRMED', cancelRequested: true });

    await start(delivered('OrderCancelRequested', confirmed.orderId));

    expect(workflow.startOrderSaga.mock.calls).toEqual([[confirmed.orderId, 'cancel']]);
  });

  it('starts nothing for an order whose saga already ended, however late the event', async () => {
    const confirmed = await order();
    await ctx.store.transact([orderWrite({ ...confirmed, status: 'CONFIRMED' }, 1)]);

    expect(await start(delivered('OrderPlaced', confirmed.orderId))).toMatchObject({ started: null });
    expect(workflow.startOrderSaga).not.toHaveBeenCalled();
  });

  it('fails when the start fails, so EventBridge and Lambda retry it and then park it', async () => {
    const pending = await order();
    workflow.startOrderSaga.mockRejectedValueOnce(new Error('engine down'));

    await expect(start(delivered('OrderPlaced', pending.orderId))).rejects.toThrow('engine down');
  });

  it('refuses an event that names no order', async () => {
    const event = delivered('OrderPlaced', 'x');
    event.detail = { ...event.detail, orderId: undefined as unknown as string };

    await expect(start(event)).rejects.toThrow('names no order');
  });
});
