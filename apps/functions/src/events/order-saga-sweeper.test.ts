import type { DomainContext, OrderWorkflow } from '@meridian/domain';
import { fixtureProduct, inMemoryContext, seedOrder } from '@meridian/domain/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createOrderSagaSweeper } from './order-saga-sweeper';

let ctx: DomainContext;
let workflow: OrderWorkflow & { startOrderSaga: ReturnType<typeof vi.fn> };
let errors: string[];
let sweep: ReturnType<typeof createOrderSagaSweeper>;

beforeEach(() => {
  ({ ctx } = inMemoryContext({ region: 'us-east-1' }));
  workflow = { startOrderSaga: vi.fn(async () => {}) };
  errors = [];
  sweep = createOrderSagaSweeper({
    ctx,
    workflow,
    logger: { info: () => {}, error: (message: string) => void errors.push(message) },
  });
});

const minutesAgo = (minutes: number) => new Date(ctx.clock.now() - minutes * 60_000).toISOString();
const order = (changes = {}) =>
  seedOrder(ctx, { product: fixtureProduct({ sku: 'A', priceMinor: 100 }), quantity: 1 }, changes);

describe('order saga sweeper', () => {
  it('starts the runs awaited by orders older than minAgeSeconds and younger than maxAgeHours', async () => {
    const stuck = await order({ createdAt: minutesAgo(10) });
    await order({ createdAt: minutesAgo(1) });
    await order({ createdAt: minutesAgo(25 * 60) });

    expect(await sweep({ minAgeSeconds: 120, maxAgeHours: 24 })).toEqual({ examined: 1, started: 1 });
    expect(workflow.startOrderSaga.mock.calls).toEqual([[stuck.orderId, 'place']]);
  });

  it('fails after trying every order when a start fails, naming the order in the log', async () => {
    await order({ createdAt: minutesAgo(10) });
    await order({ createdAt: minutesAgo(11) });
    workflow.startOrderSaga.mockRejectedValueOnce(new Error('engine down'));

    await expect(sweep({ minAgeSeconds: 120, maxAgeHours: 24 })).rejects.toThrow('1 order saga(s)');
    expect(workflow.startOrderSaga).toHaveBeenCalledTimes(2);
    expect(errors).toEqual(['order saga not started']);
  });

  it('refuses an input that is not a sweep request', async () => {
    await expect(sweep({ minAgeSeconds: -1, maxAgeHours: 24 })).rejects.toThrow();
    await expect(sweep({ source: 'aws.events' })).rejects.toThrow();
    expect(workflow.startOrderSaga).not.toHaveBeenCalled();
  });
});
