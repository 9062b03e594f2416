import { EVENT_SOURCES } from '@meridian/contracts';
import { type Allotment, InvalidStockOperationError, splitEvenly } from '../inventory/allotment';
import { creditKey, type StockTransfer, SUPPLIER, transferKey } from '../inventory/stock-transfer';
import { IdempotencyKeyReusedError } from '../orders/place-order';
import { buildEvent, type DomainContext, nowIso, withConflictRetry } from '../shared/context';
import type { CounterWrite, ItemWrite, Page, PageRequest } from '../store/item-store';
import {
  allotmentCredit,
  asEntity,
  loadAllotment,
  loadAllotments,
  loadProduct,
  productWrite,
} from '../store/repositories';
import {
  applyProductChanges,
  createProduct,
  type Product,
  ProductAlreadyExistsError,
  type ProductChanges,
  type ProductDraft,
  ProductNotFoundError,
} from './product';

/** A product as shoppers and operators see it: the catalog entry plus stock per region. */
export interface ProductView extends Product {
  stock: { available: number; reserved: number; sold: number; byRegion: Allotment[] };
}

async function withStock(ctx: DomainContext, product: Product): Promise<ProductView> {
  const byRegion = (await loadAllotments(ctx.store, product.sku)).map((entry) => entry.value);
  const total = (field: 'available' | 'reserved' | 'sold') => byRegion.reduce((sum, a) => sum + a[field], 0);
  return {
    ...product,
    stock: { available: total('available'), reserved: total('reserved'), sold: total('sold'), byRegion },
  };
}

export async function listProducts(ctx: DomainContext, page: PageRequest): Promise<Page<ProductView>> {
  const result = await ctx.store.queryIndex('gsi1', 'PRODUCTS', page);
  const items = await Promise.all(result.items.map((item) => withStock(ctx, asEntity<Product>(item.data))));
  return { ...result, items };
}

export async function getProduct(ctx: DomainContext, sku: string): Promise<ProductView> {
  const product = await loadProduct(ctx.store, sku);
  if (!product) throw new ProductNotFoundError(sku);
  return withStock(ctx, product.value);
}

export async function addProduct(ctx: DomainContext, draft: ProductDraft): Promise<ProductView> {
  const product = createProduct(draft, nowIso(ctx));
  if (await loadProduct(ctx.store, draft.sku)) throw new ProductAlreadyExistsError(draft.sku);
  await ctx.store.transact(
    [productWrite(product, 'absent')],
    [
      buildEvent(ctx, EVENT_SOURCES.catalog, 'ProductCreated', {
        schemaVersion: 1,
        sku: product.sku,
        name: product.name,
        priceMinor: product.priceMinor,
      }),
    ],
  );
  return withStock(ctx, product);
}

export async function updateProduct(
  ctx: DomainContext,
  sku: string,
  changes: ProductChanges,
): Promise<ProductView> {
  const updated = await withConflictRetry(async () => {
    const current = await loadProduct(ctx.store, sku);
    if (!current) throw new ProductNotFoundError(sku);
    const next = applyProductChanges(current.value, changes, nowIso(ctx));
    await ctx.store.transact(
      [productWrite(next, current.version)],
      [
        buildEvent(ctx, EVENT_SOURCES.catalog, 'ProductUpdated', {
          schemaVersion: 1,
          sku,
          name: next.name,
          priceMinor: next.priceMinor,
        }),
      ],
    );
    return next;
  });
  return withStock(ctx, updated);
}

export interface RestockInput {
  sku: string;
  quantity: number;
  /** How to split the units across regions; default: evenly across every region of the deployment. */
  split?: ReadonlyArray<{ region: string; quantity: number }>;
  /** With a key, repeating the same restock, in this region or another, adds nothing (see restockProduct). */
  idempotencyKey?: string;
}

/**
 * Adds units to the SKU's regional allotments. A region writes only its own allotment (one writer per
 * item): its own share is credited here; every other region's share is consigned to it as a transfer
 * from the supplier, which that region credits once the record replicates to it.
 *
 * With an Idempotency-Key each region's share gets an id made from the key, so a restock repeated in any
 * region is applied once (the front door repeats a keyed POST on another region when the first does not
 * answer): the own share is credited with a credit record under its id, and every region credits a
 * share id at most once, whether it arrives as a transfer record or as a repeat of the request. The
 * same key with another quantity or split is refused.
 */
export async function restockProduct(ctx: DomainContext, input: RestockInput): Promise<ProductView> {
  if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0) {
    throw new InvalidStockOperationError('quantity must be a positive integer');
  }
  const split = (input.split ?? splitEvenly(input.quantity, ctx.regions)).filter((part) => part.quantity > 0);
  const named = split.map((part) => part.region);
  const repeated = named.filter((region, index) => named.indexOf(region) !== index);
  if (repeated.length > 0) {
    throw new InvalidStockOperationError(
      `a region appears more than once in the split: ${repeated.join(', ')}`,
    );
  }
  if (split.reduce((sum, part) => sum + part.quantity, 0) !== input.quantity) {
    throw new InvalidStockOperationError('the split must add up to the quantity');
  }
  const unknown = split.filter((part) => !ctx.regions.includes(part.region));
  if (unknown.length > 0) {
    throw new InvalidStockOperationError(
      `unknown region(s) in the split: ${unknown.map((p) => p.region).join(', ')}`,
    );
  }
  const product = await loadProduct(ctx.store, input.sku);
  if (!product) throw new ProductNotFoundError(input.sku);
  const own = split.find((part) => part.region === ctx.region)?.quantity ?? 0;
  const key = input.idempotencyKey;
  const request = key === undefined ? undefined : JSON.stringify({ quantity: input.quantity, split });
  const shareId = (region: string) =>
    key === undefined ? ctx.ids.next() : `restock_${encodeURIComponent(key)}_${region}`;
  // Each region that takes the keyed request records the key, so a reuse with another request is refused
  // even when none of its shares overlaps the first one's.
  const keyPrefix = key === undefined ? '' : `RESTOCK#${encodeURIComponent(key)}#`;
  /** A keyed share already recorded here: a repeat, which must be of the same request. */
  const recorded = async (itemKey: { pk: string; sk: string }) => {
    if (request === undefined) return false;
    const item = await ctx.store.get(itemKey.pk, itemKey.sk);
    if (item && item.data.restock !== request) throw new IdempotencyKeyReusedError();
    return item !== undefined;
  };
  await withConflictRetry(async () => {
    const writes: Array<ItemWrite | CounterWrite> = [];
    const now = nowIso(ctx);
    const keyRecords =
      request === undefined
        ? []
        : await ctx.store.queryPartition(`STOCK#${input.sku}`, { skPrefix: keyPrefix });
    if (keyRecords.some((item) => item.data.restock !== request)) throw new IdempotencyKeyReusedError();
    if (own > 0) {
      const id = shareId(ctx.region);
      const credit = creditKey(input.sku, id);
      if (!(await recorded(credit))) {
        const current = await loadAllotment(ctx.store, input.sku, ctx.region);
        writes.push(allotmentCredit(current, input.sku, ctx.region, own));
        if (request !== undefined) {
          const data = { transferId: id, quantity: own, creditedAt: now, restock: request };
          writes.push({ ...credit, data, expect: 'absent' });
        }
      }
    }
    for (const part of split.filter((p) => p.region !== ctx.region)) {
      const transfer: StockTransfer = {
        transferId: shareId(part.region),
        sku: input.sku,
        fromRegion: SUPPLIER,
        toRegion: part.region,
        quantity: part.quantity,
        createdAt: now,
        ...(request === undefined ? {} : { restock: request }),
      };
      const record = transferKey(input.sku, transfer.transferId);
      if (await recorded(record)) continue;
      writes.push({ ...record, data: { ...transfer }, expect: 'absent' });
    }
    // A repeat of a restock this region already recorded in full: nothing to add, nothing to announce.
    if (writes.length === 0) return;
    if (request !== undefined && !keyRecords.some((item) => item.sk === `${keyPrefix}${ctx.region}`)) {
      writes.push({
        pk: `STOCK#${input.sku}`,
        sk: `${keyPrefix}${ctx.region}`,
        data: { restock: request, at: now },
        expect: 'absent',
      });
    }
    const event = buildEvent(ctx, EVENT_SOURCES.inventory, 'StockRestocked', {
      schemaVersion: 1,
      sku: input.sku,
      allotments: split,
    });
    // A keyed restock repeated in another region announces it under the same event id: every bus keeps
    // the first copy it receives and drops the other, so the restock is announced once.
    if (key !== undefined) event.id = `restock_${encodeURIComponent(key)}_${input.sku}`;
    await ctx.store.transact(writes, [event]);
  });
  return withStock(ctx, product.value);
}
