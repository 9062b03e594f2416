import { EVENT_SOURCES } from '@meridian/contracts';
import { type Allotment, emptyAllotment, InvalidStockOperationError, restock } from '../inventory/allotment';
import { buildEvent, type DomainContext, nowIso, withConflictRetry } from '../shared/context';
import type { Page, PageRequest } from '../store/item-store';
import { allotmentWrite, asEntity, loadAllotments, loadProduct, productWrite } from '../store/repositories';
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
  /** How to split the units across regions; default: all of them to this region's allotment. */
  split?: ReadonlyArray<{ region: string; quantity: number }>;
}

/**
 * Adds units to the SKU's regional allotments. A region writes only its own allotment (one writer per
 * item), so a split may name only regions this process can write: today the local region.
 */
export async function restockProduct(ctx: DomainContext, input: RestockInput): Promise<ProductView> {
  if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0) {
    throw new InvalidStockOperationError('quantity must be a positive integer');
  }
  const split = (input.split ?? [{ region: ctx.region, quantity: input.quantity }]).filter(
    (part) => part.quantity > 0,
  );
  if (split.reduce((sum, part) => sum + part.quantity, 0) !== input.quantity) {
    throw new InvalidStockOperationError('the split must add up to the quantity');
  }
  const foreign = split.filter((part) => part.region !== ctx.region);
  if (foreign.length > 0) {
    throw new InvalidStockOperationError(
      `region ${ctx.region} can only restock its own allotment; send the restock for ${foreign.map((p) => p.region).join(', ')} to that region`,
    );
  }
  const product = await loadProduct(ctx.store, input.sku);
  if (!product) throw new ProductNotFoundError(input.sku);
  await withConflictRetry(async () => {
    const current = (await loadAllotments(ctx.store, input.sku)).find(
      (entry) => entry.value.region === ctx.region,
    );
    const allotment = restock(current?.value ?? emptyAllotment(input.sku, ctx.region), input.quantity);
    await ctx.store.transact(
      [allotmentWrite(allotment, current ? current.version : 'absent')],
      [
        buildEvent(ctx, EVENT_SOURCES.inventory, 'StockRestocked', {
          schemaVersion: 1,
          sku: input.sku,
          allotments: split,
        }),
      ],
    );
  });
  return withStock(ctx, product.value);
}
