import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidStockOperationError } from '../inventory/allotment';
import { receiveStock, type StockTransfer } from '../inventory/stock-transfer';
import { IdempotencyKeyReusedError } from '../orders/place-order';
import type { DomainContext } from '../shared/context';
import { InvalidAmountError } from '../shared/money';
import { allotmentWrite, loadAllotment, loadProduct } from '../store/repositories';
import { type InMemoryItemStore, inMemoryContext } from '../testing/in-memory-item-store';
import { addProduct, getProduct, listProducts, restockProduct, updateProduct } from './catalog-service';
import { ProductAlreadyExistsError, type ProductDraft, ProductNotFoundError } from './product';

const REGIONS = ['us-east-1', 'eu-west-1'];

let ctx: DomainContext;
let store: InMemoryItemStore;

beforeEach(() => {
  ({ ctx, store } = inMemoryContext({ region: 'us-east-1', regions: REGIONS }));
});

function draft(sku: string, overrides: Partial<ProductDraft> = {}): ProductDraft {
  return {
    sku,
    name: `Product ${sku}`,
    description: '',
    priceMinor: 1_000,
    currency: 'USD',
    active: true,
    category: 'c',
    ...overrides,
  };
}

describe('addProduct', () => {
  it('stores the product with no stock and announces it', async () => {
    const view = await addProduct(ctx, draft('A'));

    expect(view).toMatchObject({ sku: 'A', stock: { available: 0, reserved: 0, sold: 0, byRegion: [] } });
    expect(store.events.map((event) => [event['detail-type'], event.detail.sku])).toEqual([
      ['ProductCreated', 'A'],
    ]);
  });

  it('refuses a duplicate SKU and a price that is not minor units, writing nothing', async () => {
    await addProduct(ctx, draft('A'));
    const committed = store.transactions.length;

    await expect(addProduct(ctx, draft('A'))).rejects.toThrow(ProductAlreadyExistsError);
    await expect(addProduct(ctx, draft('B', { priceMinor: 9.99 }))).rejects.toThrow(InvalidAmountError);
    expect(store.transactions).toHaveLength(committed);
  });
});

describe('updateProduct', () => {
  it('applies only the given fields, bumps the version and announces the change', async () => {
    await addProduct(ctx, draft('A', { description: 'kept' }));

    const view = await updateProduct(ctx, 'A', { priceMinor: 1_500, name: undefined });

    expect(view).toMatchObject({ sku: 'A', priceMinor: 1_500, name: 'Product A', description: 'kept' });
    expect((await loadProduct(store, 'A'))?.version).toBe(2);
    expect(store.events.at(-1)).toMatchObject({
      'detail-type': 'ProductUpdated',
      detail: { sku: 'A', priceMinor: 1_500 },
    });
  });

  it('refuses an unknown SKU and an invalid price', async () => {
    await addProduct(ctx, draft('A'));

    await expect(updateProduct(ctx, 'NOPE', { name: 'x' })).rejects.toThrow(ProductNotFoundError);
    await expect(updateProduct(ctx, 'A', { priceMinor: -1 })).rejects.toThrow(InvalidAmountError);
  });
});

describe('restockProduct', () => {
  it('adds units to this region’s allotment only, with the restock event', async () => {
    await addProduct(ctx, draft('A'));

    await restockProduct(ctx, { sku: 'A', quantity: 5, split: [{ region: 'us-east-1', quantity: 5 }] });
    const view = await restockProduct(ctx, {
      sku: 'A',
      quantity: 3,
      split: [{ region: 'us-east-1', quantity: 3 }],
    });

    expect(view.stock).toMatchObject({ available: 8, reserved: 0, sold: 0 });
    expect((await loadAllotment(store, 'A', 'us-east-1'))?.value).toMatchObject({
      available: 8,
      reserved: 0,
      sold: 0,
    });
    expect(await loadAllotment(store, 'A', 'eu-west-1')).toBeUndefined();
    expect(store.events.filter((event) => event['detail-type'] === 'StockRestocked')).toHaveLength(2);
  });

  it.each([
    [
      'a split naming a region outside the deployment',
      { quantity: 4, split: [{ region: 'ap-south-1', quantity: 4 }] },
    ],
    ['a split that does not add up', { quantity: 4, split: [{ region: 'us-east-1', quantity: 3 }] }],
    [
      'a split naming a region twice',
      {
        quantity: 10,
        split: [
          { region: 'us-east-1', quantity: 5 },
          { region: 'us-east-1', quantity: 5 },
        ],
      },
    ],
    ['a zero quantity', { quantity: 0 }],
    ['a fractional quantity', { quantity: 1.5 }],
  ])('refuses %s and writes nothing', async (_, restock) => {
    await addProduct(ctx, draft('A'));
    const committed = store.transactions.length;

    await expect(restockProduct(ctx, { sku: 'A', ...restock })).rejects.toThrow(InvalidStockOperationError);
    expect(store.transactions).toHaveLength(committed);
  });

  it('refuses to restock an unknown product', async () => {
    await expect(
      restockProduct(ctx, { sku: 'NOPE', quantity: 1, split: [{ region: 'us-east-1', quantity: 1 }] }),
    ).rejects.toThrow(ProductNotFoundError);
  });

  it('splits a restock evenly by default: credits its own share, consigns the peer’s as a supplier transfer', async () => {
    await addProduct(ctx, draft('A'));

    await restockProduct(ctx, { sku: 'A', quantity: 11 });

    expect((await loadAllotment(store, 'A', 'us-east-1'))?.value.available).toBe(6);
    // The peer's allotment is the peer's to write: it gets a transfer record to credit when it replicates.
    expect(await loadAllotment(store, 'A', 'eu-west-1')).toBeUndefined();
    const transfers = (await store.queryPartition('STOCK#A', { skPrefix: 'TRANSFER#' })).map(
      (item) => item.data,
    );
    expect(transfers).toEqual([
      expect.objectContaining({ fromRegion: 'supplier', toRegion: 'eu-west-1', quantity: 5 }),
    ]);
    expect(store.transactions.at(-1)?.writes).toHaveLength(2);
  });
});

describe('restockProduct with an Idempotency-Key', () => {
  const keyed = { sku: 'A', quantity: 11, idempotencyKey: 'restock-1' };
  const available = async (region: string, on = store) =>
    (await loadAllotment(on, 'A', region))?.value.available ?? 0;
  const restocks = (on = store) => on.events.filter((event) => event['detail-type'] === 'StockRestocked');

  it('applies a repeat in the same region once, announcing it once', async () => {
    await addProduct(ctx, draft('A'));

    await restockProduct(ctx, keyed);
    await restockProduct(ctx, keyed);

    expect(await available('us-east-1')).toBe(6);
    expect(await store.queryPartition('STOCK#A', { skPrefix: 'TRANSFER#' })).toHaveLength(1);
    expect(restocks()).toHaveLength(1);
  });

  it('refuses the same key with another request, changing nothing, even when no share overlaps', async () => {
    await addProduct(ctx, draft('A'));
    await restockProduct(ctx, { ...keyed, quantity: 10, split: [{ region: 'eu-west-1', quantity: 10 }] });
    const committed = store.transactions.length;

    await expect(restockProduct(ctx, { ...keyed, quantity: 12 })).rejects.toThrow(IdempotencyKeyReusedError);
    await expect(
      restockProduct(ctx, { ...keyed, quantity: 7, split: [{ region: 'us-east-1', quantity: 7 }] }),
    ).rejects.toThrow(IdempotencyKeyReusedError);
    expect(store.transactions).toHaveLength(committed);
    expect(await available('us-east-1')).toBe(0);
  });

  it('applies each share once when the repeat reaches another region, whatever arrived there first', async () => {
    // The first attempt in us-east-1 committed, but its answer was lost; the front door sends the same
    // keyed request to eu-west-1, which may or may not have received us-east-1's transfer record yet.
    for (const transferArrivedFirst of [false, true]) {
      ({ ctx, store } = inMemoryContext({ region: 'us-east-1', regions: REGIONS }));
      const eu = inMemoryContext({ region: 'eu-west-1', regions: REGIONS });
      for (const region of [ctx, eu.ctx]) await addProduct(region, draft('A'));

      await restockProduct(ctx, keyed);
      const consignedToEu = (await store.queryPartition('STOCK#A', { skPrefix: 'TRANSFER#' })).map(
        (item) => item.data as unknown as StockTransfer,
      );
      if (transferArrivedFirst) for (const transfer of consignedToEu) await receiveStock(eu.ctx, transfer);
      await restockProduct(eu.ctx, keyed);
      // Replication then delivers each region's records to the other; the credits find them credited.
      for (const transfer of consignedToEu) expect(await receiveStock(eu.ctx, transfer)).toBe(false);
      const consignedToUs = (await eu.store.queryPartition('STOCK#A', { skPrefix: 'TRANSFER#' }))
        .map((item) => item.data as unknown as StockTransfer)
        .filter((transfer) => transfer.toRegion === 'us-east-1');
      expect(consignedToUs).toHaveLength(1);
      for (const transfer of consignedToUs) expect(await receiveStock(ctx, transfer)).toBe(false);

      expect([await available('us-east-1'), await available('eu-west-1', eu.store)]).toEqual([6, 5]);
      // Announced under one event id in both regions: each bus keeps one copy.
      const announced = new Set([...restocks(), ...restocks(eu.store)].map((event) => event.id));
      expect(announced.size).toBe(1);
    }
  });
});

describe('reading the catalog', () => {
  it('sums stock over every region’s allotment', async () => {
    await addProduct(ctx, draft('A'));
    await store.transact([
      allotmentWrite({ sku: 'A', region: 'us-east-1', available: 3, reserved: 2, sold: 1 }, 'absent'),
      allotmentWrite({ sku: 'A', region: 'eu-west-1', available: 10, reserved: 0, sold: 4 }, 'absent'),
    ]);

    const view = await getProduct(ctx, 'A');

    expect(view.stock).toMatchObject({ available: 13, reserved: 2, sold: 5 });
    expect(view.stock.byRegion.map((a) => a.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('lists products page by page in SKU order', async () => {
    for (const sku of ['C', 'A', 'B']) await addProduct(ctx, draft(sku));

    const first = await listProducts(ctx, { limit: 2 });
    const second = await listProducts(ctx, { limit: 2, cursor: first.nextCursor });

    expect(first.items.map((p) => p.sku)).toEqual(['A', 'B']);
    expect(second.items.map((p) => p.sku)).toEqual(['C']);
    expect(second.nextCursor).toBeUndefined();
  });

  it('reports an unknown SKU', async () => {
    await expect(getProduct(ctx, 'NOPE')).rejects.toThrow(ProductNotFoundError);
  });
});
