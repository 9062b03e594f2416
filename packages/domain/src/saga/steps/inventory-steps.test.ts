import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Product } from '../../catalog/product';
import { type Allotment, InvalidStockOperationError, OutOfStockError } from '../../inventory/allotment';
import { createOrder, type Order, OrderCancelledError } from '../../orders/order';
import type { DomainContext } from '../../shared/context';
import { isCounterWrite } from '../../store/item-store';
import { keys } from '../../store/keys';
import { allotmentWrite, loadAllotment, loadOrder, orderWrite } from '../../store/repositories';
import { type InMemoryItemStore, inMemoryContext } from '../../testing/in-memory-item-store';
import { unreachableProviders } from '../../testing/order-fixtures';
import type { SagaDependencies } from '../saga-step';
import { confirmOrder } from './confirm-order';
import { releaseInventory, reserveInventory } from './reserve-inventory';

const REGION = 'us-east-1';

let ctx: DomainContext;
let store: InMemoryItemStore;
let deps: SagaDependencies;

function reset(): void {
  ({ ctx, store } = inMemoryContext({ region: REGION, regions: [REGION, 'eu-west-1'] }));
  deps = { ctx, ...unreachableProviders('inventory steps never call a provider') };
}

beforeEach(reset);

function product(sku: string): Product {
  const at = '2025-01-01T00:00:00.000Z';
  return {
    sku,
    name: sku,
    description: '',
    priceMinor: 1_000,
    currency: 'USD',
    active: true,
    category: 'c',
    createdAt: at,
    updatedAt: at,
  };
}

function allotment(
  sku: string,
  available: number,
  region = REGION,
  counts: Partial<Allotment> = {},
): Allotment {
  return { sku, region, available, reserved: 0, sold: 0, ...counts };
}

/** Stores the order (lines: sku → quantity) and the given allotments. */
async function seed(
  lines: Record<string, number>,
  allotments: Allotment[],
  changes: Partial<Order> = {},
): Promise<Order> {
  const skus = Object.keys(lines);
  const order = {
    ...createOrder(
      {
        orderId: `ord_${ctx.ids.next()}_${REGION}`,
        region: REGION,
        customerId: 'cust-1',
        items: skus.map((sku) => ({ sku, quantity: lines[sku] ?? 0 })),
        shippingAddress: {
          name: 'Ada',
          line1: '1 Main St',
          city: 'Town',
          postalCode: '12345',
          country: 'US',
        },
        paymentMethod: 'pm_card_visa',
        now: '2025-01-01T00:00:00.000Z',
      },
      new Map(skus.map((sku) => [sku, product(sku)])),
    ),
    ...changes,
  };
  await store.transact([orderWrite(order, 'absent'), ...allotments.map((a) => allotmentWrite(a, 'absent'))]);
  return order;
}

async function counts(sku: string, region = REGION): Promise<[number, number, number] | undefined> {
  const stored = (await loadAllotment(store, sku, region))?.value;
  return stored && [stored.available, stored.reserved, stored.sold];
}

async function orderOf(orderId: string): Promise<Order | undefined> {
  return (await loadOrder(store, orderId))?.value;
}

describe('reserveInventory', () => {
  it('moves every line from available to reserved with the order update and its event, in one transaction', async () => {
    const order = await seed({ A: 2, B: 3 }, [
      allotment('A', 5),
      allotment('B', 3),
      allotment('A', 100, 'eu-west-1'),
    ]);
    const committed = store.transactions.length;

    const output = await reserveInventory(deps, { orderId: order.orderId });

    expect(output).toEqual({ orderId: order.orderId, outcome: 'applied' });
    expect([await counts('A'), await counts('B')]).toEqual([
      [3, 2, 0],
      [0, 3, 0],
    ]);
    expect(await counts('A', 'eu-west-1'), 'another region’s allotment is never touched').toEqual([
      100, 0, 0,
    ]);
    expect((await orderOf(order.orderId))?.inventory).toBe('RESERVED');
    expect(store.transactions.slice(committed)).toEqual([
      {
        writes: [
          // Atomic counter changes, guarded by a floor: concurrent orders for one SKU never conflict.
          expect.objectContaining({
            ...keys.allotment('A', REGION),
            kind: 'counters',
            atLeast: { available: 2 },
          }),
          expect.objectContaining({
            ...keys.allotment('B', REGION),
            kind: 'counters',
            atLeast: { available: 3 },
          }),
          expect.objectContaining({ ...keys.order(order.orderId), expect: 1 }),
        ],
        events: [expect.objectContaining({ 'detail-type': 'OrderInventoryReserved' })],
      },
    ]);
  });

  it('answers a replay with already-applied and reserves nothing more', async () => {
    const order = await seed({ A: 2 }, [allotment('A', 5)]);
    await reserveInventory(deps, { orderId: order.orderId });
    const committed = store.transactions.length;

    expect(await reserveInventory(deps, { orderId: order.orderId })).toEqual({
      orderId: order.orderId,
      outcome: 'already-applied',
    });
    expect(await counts('A')).toEqual([3, 2, 0]);
    expect(store.transactions).toHaveLength(committed);
  });

  it('lists every short SKU (one with no allotment at all) and writes nothing', async () => {
    const order = await seed({ A: 2, B: 4, C: 1 }, [allotment('A', 5), allotment('B', 3)]);
    const committed = store.transactions.length;

    const error = await reserveInventory(deps, { orderId: order.orderId }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OutOfStockError);
    expect((error as OutOfStockError).shortages).toEqual([
      { sku: 'B', requested: 4, available: 3 },
      { sku: 'C', requested: 1, available: 0 },
    ]);
    expect((error as OutOfStockError).message).toBe(
      'Not enough stock: B (requested 4, available 3), C (requested 1, available 0).',
    );
    expect(store.transactions).toHaveLength(committed);
    expect([await counts('A'), await counts('B'), await counts('C')]).toEqual([
      [5, 0, 0],
      [3, 0, 0],
      undefined,
    ]);
  });

  it('stops before reserving when the customer asked to cancel', async () => {
    const order = await seed({ A: 1 }, [allotment('A', 5)], { cancelRequested: true });
    const committed = store.transactions.length;

    await expect(reserveInventory(deps, { orderId: order.orderId })).rejects.toThrow(OrderCancelledError);
    expect(store.transactions).toHaveLength(committed);
  });
});

describe('concurrent reservations', () => {
  it('never oversell: concurrent orders on one SKU reserve at most what is available, and the rest are out of stock', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(20),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 6 }),
        async (stock, quantities) => {
          reset();
          const orders = [];
          for (const [index, quantity] of quantities.entries()) {
            orders.push(await seed({ A: quantity }, index === 0 ? [allotment('A', stock)] : []));
          }

          const results = await Promise.allSettled(
            orders.map((order) => reserveInventory(deps, { orderId: order.orderId })),
          );

          const reserved = quantities.filter((_, index) => results[index]?.status === 'fulfilled');
          const sum = reserved.reduce((total, quantity) => total + quantity, 0);
          expect(await counts('A')).toEqual([stock - sum, sum, 0]);
          for (const result of results) {
            if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(OutOfStockError);
          }
          const rejected = quantities.filter((_, index) => results[index]?.status === 'rejected');
          for (const quantity of rejected) expect(quantity).toBeGreaterThan(stock - sum);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('releaseInventory', () => {
  it('skips an order that reserved nothing, writing only that compensation began', async () => {
    const order = await seed({ A: 1 }, [allotment('A', 5)]);
    const committed = store.transactions.length;

    expect((await releaseInventory(deps, { orderId: order.orderId })).outcome).toBe('skipped');
    expect(store.transactions).toHaveLength(committed + 1);
    expect((await loadAllotment(ctx.store, 'A', REGION))?.value).toMatchObject({ available: 5, reserved: 0 });
  });

  it('returns reserved units to available once; a replay is already-applied', async () => {
    const order = await seed({ A: 2 }, [allotment('A', 5)]);
    await reserveInventory(deps, { orderId: order.orderId });

    const first = await releaseInventory(deps, { orderId: order.orderId });
    const replay = await releaseInventory(deps, { orderId: order.orderId });

    expect([first.outcome, replay.outcome]).toEqual(['applied', 'already-applied']);
    expect(await counts('A')).toEqual([5, 0, 0]);
    expect((await orderOf(order.orderId))?.inventory).toBe('RELEASED');
    expect(store.events.map((event) => event['detail-type'])).toEqual([
      'OrderInventoryReserved',
      'OrderInventoryReleased',
    ]);
  });

  it('puts sold units back on sale when a confirmed order is cancelled', async () => {
    const order = await seed({ A: 2 }, [allotment('A', 5)]);
    await reserveInventory(deps, { orderId: order.orderId });
    await confirmOrder(deps, { orderId: order.orderId });

    expect((await releaseInventory(deps, { orderId: order.orderId })).outcome).toBe('applied');
    expect(await counts('A')).toEqual([5, 0, 0]);
    expect((await orderOf(order.orderId))?.inventory).toBe('RESTORED');
  });
});

describe('confirmOrder', () => {
  it('turns reserved into sold in the same transaction as the status change and its event', async () => {
    const order = await seed({ A: 2, B: 1 }, [allotment('A', 5), allotment('B', 1)]);
    await reserveInventory(deps, { orderId: order.orderId });
    const committed = store.transactions.length;

    const output = await confirmOrder(deps, { orderId: order.orderId });

    expect(output).toEqual({ orderId: order.orderId, outcome: 'applied', status: 'CONFIRMED' });
    const [transaction, ...others] = store.transactions.slice(committed);
    expect(others).toEqual([]);
    // The allotments move as atomic counter changes (reserved → sold), the order as a versioned write.
    expect(
      transaction?.writes.map((write) =>
        isCounterWrite(write)
          ? [write.pk, write.add.sold, write.atLeast?.reserved]
          : [write.pk, write.data.status],
      ),
    ).toEqual([
      ['STOCK#A', 2, 2],
      ['STOCK#B', 1, 1],
      [`ORDER#${order.orderId}`, 'CONFIRMED'],
    ]);
    expect(transaction?.events.map((event) => [event['detail-type'], event.detail.status])).toEqual([
      ['OrderConfirmed', 'CONFIRMED'],
    ]);
    expect([await counts('A'), await counts('B')]).toEqual([
      [3, 0, 2],
      [0, 0, 1],
    ]);
    expect(await orderOf(order.orderId)).toMatchObject({ status: 'CONFIRMED', inventory: 'COMMITTED' });
  });

  it('answers a replay with already-applied and commits nothing twice', async () => {
    const order = await seed({ A: 2 }, [allotment('A', 5)]);
    await reserveInventory(deps, { orderId: order.orderId });
    await confirmOrder(deps, { orderId: order.orderId });
    const committed = store.transactions.length;

    expect((await confirmOrder(deps, { orderId: order.orderId })).outcome).toBe('already-applied');
    expect(store.transactions).toHaveLength(committed);
    expect(await counts('A')).toEqual([3, 0, 2]);
  });

  it('refuses to confirm an order whose stock was never reserved', async () => {
    const order = await seed({ A: 2 }, [allotment('A', 5)]);

    await expect(confirmOrder(deps, { orderId: order.orderId })).rejects.toThrow(InvalidStockOperationError);
    expect(await counts('A')).toEqual([5, 0, 0]);
  });

  it('stops when the customer asked to cancel, leaving the stock reserved for release', async () => {
    const order = await seed({ A: 2 }, [allotment('A', 5)]);
    await reserveInventory(deps, { orderId: order.orderId });
    const reserved = await loadOrder(store, order.orderId);
    if (!reserved) throw new Error('the order was not stored');
    await store.transact([orderWrite({ ...reserved.value, cancelRequested: true }, reserved.version)]);
    const committed = store.transactions.length;

    await expect(confirmOrder(deps, { orderId: order.orderId })).rejects.toThrow(OrderCancelledError);
    expect(store.transactions).toHaveLength(committed);
    expect(await counts('A')).toEqual([3, 2, 0]);
  });
});
