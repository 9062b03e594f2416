import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DomainContext } from '../shared/context';
import { orderWrite } from '../store/repositories';
import { type InMemoryItemStore, inMemoryContext } from '../testing/in-memory-item-store';
import { fixtureProduct, seedOrder } from '../testing/order-fixtures';
import {
  cancelDuplicateOrder,
  noteDuplicateKey,
  openDuplicateKeys,
  resolveDueDuplicates,
  resolveDuplicateKey,
} from './duplicate-orders';
import { claimWrite, newClaim } from './idempotency-claims';
import type { Order, OrderStatus } from './order';
import type { OrderWorkflow } from './order-workflow';

/**
 * One Idempotency-Key, one live order, decided by outcome. Before, the key records of two regions
 * collided last-writer-wins and "the later record" was kept: with 1 unit in stock in us-east-1 only and
 * the link cut, the us order confirmed, the eu twin failed out of stock, and after the heal the
 * CONFIRMED order was cancelled in favour of the FAILED one, leaving the customer no order.
 *
 * Both regions share one store here, as if replication had caught up; each decides for its own orders.
 */
const product = fixtureProduct({ sku: 'SKU-1', priceMinor: 1_000 });
const KEY = { customerId: 'cust-1', key: 'checkout-1' };

let store: InMemoryItemStore;
let us: DomainContext;
let eu: DomainContext;
let workflow: OrderWorkflow & { startOrderSaga: ReturnType<typeof vi.fn> };

beforeEach(() => {
  ({ ctx: us, store } = inMemoryContext({ region: 'us-east-1', regions: ['us-east-1', 'eu-west-1'] }));
  ({ ctx: eu } = inMemoryContext({ region: 'eu-west-1', regions: ['us-east-1', 'eu-west-1'], store }));
  workflow = { startOrderSaga: vi.fn(async () => {}) };
});

/** An order placed in `ctx`'s region for the key, with its claim, as placeOrder writes them. */
async function twin(ctx: DomainContext, createdAt: string, changes: Partial<Order>): Promise<Order> {
  const order = await seedOrder(
    ctx,
    { product, quantity: 1 },
    {
      idempotencyKey: KEY.key,
      createdAt,
      ...changes,
    },
  );
  const claim = newClaim(ctx, { ...KEY, orderId: order.orderId, requestFingerprint: 'fp', createdAt });
  await store.transact([claimWrite(claim, 'absent')]);
  return order;
}

const statusOf = async (orderId: string) => {
  const item = await store.get(`ORDER#${orderId}`, 'ORDER');
  return item?.data as unknown as Order;
};

const confirmed: Partial<Order> = { status: 'CONFIRMED', inventory: 'COMMITTED' };

describe('resolveDuplicateKey', () => {
  it('keeps a CONFIRMED order whose twin failed (out of stock in the other region)', async () => {
    const kept = await twin(us, '2025-01-01T00:00:00.000Z', confirmed);
    const failed = await twin(eu, '2025-01-01T00:00:00.030Z', { status: 'FAILED' });

    expect(await resolveDuplicateKey(us, workflow, KEY)).toEqual({ outcome: 'resolved', cancelled: [] });
    expect(await resolveDuplicateKey(eu, workflow, KEY)).toEqual({ outcome: 'resolved', cancelled: [] });

    expect((await statusOf(kept.orderId)).status).toBe('CONFIRMED');
    expect((await statusOf(kept.orderId)).cancelRequested).toBe(false);
    expect((await statusOf(failed.orderId)).status).toBe('FAILED');
    expect(workflow.startOrderSaga).not.toHaveBeenCalled();
  });

  it('of two CONFIRMED twins keeps the newer one in both regions (the retry’s, whose answer the client holds) and cancels the other with a refunding run', async () => {
    const older = await twin(us, '2025-01-01T00:00:00.000Z', confirmed);
    const newer = await twin(eu, '2025-01-01T00:00:00.030Z', confirmed);

    const fromUs = await resolveDuplicateKey(us, workflow, KEY);
    const fromEu = await resolveDuplicateKey(eu, workflow, KEY);

    expect(fromUs).toEqual({
      outcome: 'resolved',
      cancelled: [{ orderId: older.orderId, keptOrderId: newer.orderId }],
    });
    expect(fromEu).toEqual({ outcome: 'resolved', cancelled: [] });
    const lost = await statusOf(older.orderId);
    expect(lost).toMatchObject({ cancelRequested: true, duplicateOf: newer.orderId });
    expect(lost.timeline.at(-1)?.detail).toContain(`Duplicate of order ${newer.orderId}`);
    expect(workflow.startOrderSaga.mock.calls).toEqual([[older.orderId, 'cancel']]);
  });

  it('cancels the loser even after it shipped (its cancellation run records a return)', async () => {
    const shipped = await twin(us, '2025-01-01T00:00:00.000Z', {
      ...confirmed,
      shipment: { shipmentId: 's', carrier: 'LocalPost', trackingNumber: 'T', status: 'SHIPPED' },
    });
    const newer = await twin(eu, '2025-01-01T00:00:01.000Z', confirmed);

    await resolveDuplicateKey(us, workflow, KEY);

    expect(await statusOf(shipped.orderId)).toMatchObject({
      cancelRequested: true,
      duplicateOf: newer.orderId,
    });
    expect(workflow.startOrderSaga).toHaveBeenCalledWith(shipped.orderId, 'cancel');
  });

  it('cancels a PENDING order at once when its twin has already succeeded; the twin’s region waits for it to end', async () => {
    const kept = await twin(us, '2025-01-01T00:00:00.000Z', confirmed);
    const pending = await twin(eu, '2025-01-01T00:00:00.030Z', { status: 'PENDING' });

    expect(await resolveDuplicateKey(eu, workflow, KEY)).toMatchObject({ outcome: 'resolved' });
    // The running saga sees the request at its next step; no second run is started.
    expect(await statusOf(pending.orderId)).toMatchObject({
      cancelRequested: true,
      duplicateOf: kept.orderId,
    });
    expect(workflow.startOrderSaga).not.toHaveBeenCalled();
    // Until the newer order has ended, us-east-1 cannot know its own is the one kept.
    expect(await resolveDuplicateKey(us, workflow, KEY)).toMatchObject({
      outcome: 'wait',
      reason: expect.stringContaining('may still succeed'),
    });
  });

  it('waits while a newer twin may still succeed', async () => {
    await twin(us, '2025-01-01T00:00:00.000Z', confirmed);
    await twin(eu, '2025-01-01T00:00:01.000Z', { status: 'PENDING' });
    expect(await resolveDuplicateKey(us, workflow, KEY)).toMatchObject({
      outcome: 'wait',
      reason: expect.stringContaining('may still succeed'),
    });
  });

  it('waits while a twin it knows of by its claim has not replicated yet', async () => {
    // us-east-1's claim arrived, its order not yet.
    const unseen = newClaim(us, {
      ...KEY,
      orderId: 'ord_01UNSEEN_us-east-1',
      requestFingerprint: 'fp',
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    await store.transact([claimWrite(unseen, 'absent')]);
    await twin(eu, '2025-01-01T00:00:01.000Z', confirmed);

    expect(await resolveDuplicateKey(eu, workflow, KEY)).toMatchObject({
      outcome: 'wait',
      reason: expect.stringContaining('has not replicated'),
    });
  });

  it('does nothing for orders that took the key a day apart (the first claim had expired)', async () => {
    await twin(us, '2025-01-01T00:00:00.000Z', confirmed);
    const later = { ...eu, clock: { now: () => Date.parse('2025-01-02T00:00:01.000Z') } };
    const second = await twin(later, '2025-01-02T00:00:01.000Z', confirmed);

    expect(await noteDuplicateKey(later, KEY)).toBe(false);
    expect(await resolveDuplicateKey(later, workflow, KEY)).toEqual({ outcome: 'resolved', cancelled: [] });
    expect((await statusOf(second.orderId)).cancelRequested).toBe(false);
  });
});

describe('noteDuplicateKey and resolveDueDuplicates', () => {
  it('keeps the work due, backing off, until the outcome is known, then resolves it once', async () => {
    let now = Date.parse('2025-01-01T00:00:02.000Z');
    const clocked = { ...us, clock: { now: () => now } };
    const older = await twin(us, '2025-01-01T00:00:00.000Z', confirmed);
    const newer = await twin(eu, '2025-01-01T00:00:01.000Z', { status: 'PENDING' });
    const timing = { baseDelayMs: 1_000, maxDelayMs: 30_000 };

    expect(await noteDuplicateKey(clocked, KEY)).toBe(true);
    expect(await noteDuplicateKey(clocked, KEY)).toBe(false);
    expect(await resolveDueDuplicates(clocked, workflow, timing)).toMatchObject([{ outcome: 'wait' }]);
    expect(await resolveDueDuplicates(clocked, workflow, timing)).toEqual([]);
    now += 1_000;
    expect(await resolveDueDuplicates(clocked, workflow, timing)).toMatchObject([{ outcome: 'wait' }]);

    // The newer order confirms: it is the one kept.
    const stored = await store.get(`ORDER#${newer.orderId}`, 'ORDER');
    await store.transact([
      orderWrite({ ...(stored?.data as unknown as Order), ...confirmed }, stored?.version),
    ]);
    now += 2_000;
    expect(await resolveDueDuplicates(clocked, workflow, timing)).toMatchObject([
      { outcome: 'resolved', cancelled: [{ orderId: older.orderId, keptOrderId: newer.orderId }] },
    ]);
    expect(await openDuplicateKeys(clocked)).toBe(0);
    now += 60_000;
    expect(await resolveDueDuplicates(clocked, workflow, timing)).toEqual([]);
    expect(await noteDuplicateKey(clocked, KEY)).toBe(false);
  });
});

describe('cancelDuplicateOrder', () => {
  it('leaves a closed order as it is', async () => {
    const failed = await twin(us, '2025-01-01T00:00:00.000Z', { status: 'FAILED' });
    const committed = store.transactions.length;

    expect(await cancelDuplicateOrder(us, workflow, { orderId: failed.orderId, keptOrderId: 'o' })).toBe(
      'nothing-to-undo',
    );
    expect(store.transactions).toHaveLength(committed);
  });
});

describe('the rule, for any outcome of two twins', () => {
  const statuses: OrderStatus[] = ['PENDING', 'CONFIRMED', 'FAILED', 'CANCELLED'];

  it('never leaves two live orders once both are final, and never cancels the only success', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...statuses),
        fc.constantFrom(...statuses),
        fc.integer({ min: 0, max: 2_000 }),
        async (usStatus, euStatus, gapMs) => {
          ({ ctx: us, store } = inMemoryContext({
            region: 'us-east-1',
            regions: ['us-east-1', 'eu-west-1'],
          }));
          ({ ctx: eu } = inMemoryContext({
            region: 'eu-west-1',
            regions: ['us-east-1', 'eu-west-1'],
            store,
          }));
          workflow = { startOrderSaga: vi.fn(async () => {}) };
          const at = (ms: number) => new Date(Date.parse('2025-01-01T00:00:00.000Z') + ms).toISOString();
          const a = await twin(us, at(0), { status: usStatus });
          const b = await twin(eu, at(gapMs), { status: euStatus });

          await resolveDuplicateKey(us, workflow, KEY);
          await resolveDuplicateKey(eu, workflow, KEY);

          const after = [await statusOf(a.orderId), await statusOf(b.orderId)];
          const liveAfter = after.filter((o) => o.status === 'CONFIRMED' && !o.cancelRequested);
          const confirmedBefore = [usStatus, euStatus].filter((s) => s === 'CONFIRMED').length;
          const anyPending = usStatus === 'PENDING' || euStatus === 'PENDING';
          if (!anyPending) expect(liveAfter).toHaveLength(confirmedBefore > 0 ? 1 : 0);
          // A success is never given up for nothing: at most one of two confirmed orders is cancelled.
          if (confirmedBefore > 0) expect(liveAfter.length).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
