import type { Product } from '../catalog/product';
import {
  type Allotment,
  emptyAllotment,
  restock,
  type StockMove,
  stockMoveCounters,
} from '../inventory/allotment';
import type { Order } from '../orders/order';
import type { CounterWrite, IndexName, ItemStore, ItemWrite } from './item-store';
import { keys } from './keys';

/** An entity as read, with the version its next conditional write must expect. */
export interface Versioned<T> {
  value: T;
  version: number;
}

// The store holds plain JSON written by these same functions, so reading it back as the entity type is sound.
export function asEntity<T>(data: Record<string, unknown>): T {
  return data as unknown as T;
}

export async function loadOrder(store: ItemStore, orderId: string): Promise<Versioned<Order> | undefined> {
  const key = keys.order(orderId);
  const item = await store.get(key.pk, key.sk);
  return item && { value: asEntity<Order>(item.data), version: item.version };
}

export function orderWrite(order: Order, expect: ItemWrite['expect']): ItemWrite {
  return {
    ...keys.order(order.orderId),
    data: { ...order },
    gsi1: keys.customerOrdersIndex(order.customerId, order.createdAt, order.orderId),
    gsi2: keys.allOrdersIndex(order.createdAt, order.orderId),
    expect,
  };
}

export async function loadProduct(store: ItemStore, sku: string): Promise<Versioned<Product> | undefined> {
  const key = keys.product(sku);
  const item = await store.get(key.pk, key.sk);
  return item && { value: asEntity<Product>(item.data), version: item.version };
}

export async function loadProducts(store: ItemStore, skus: readonly string[]): Promise<Map<string, Product>> {
  const items = await store.getMany(skus.map((sku) => keys.product(sku)));
  return new Map(items.map((item) => [String(item.data.sku), asEntity<Product>(item.data)]));
}

export function productWrite(product: Product, expect: ItemWrite['expect']): ItemWrite {
  return { ...keys.product(product.sku), data: { ...product }, gsi1: keys.productIndex(product.sku), expect };
}

/** Every region's allotment of one SKU (a region that never stocked it has none). */
export async function loadAllotments(store: ItemStore, sku: string): Promise<Array<Versioned<Allotment>>> {
  // The SKU's partition also holds its transfer and credit records.
  const items = await store.queryPartition(keys.stockPartition(sku), { skPrefix: 'ALLOTMENT#' });
  return items.map((item) => ({ value: asEntity<Allotment>(item.data), version: item.version }));
}

export async function loadAllotment(
  store: ItemStore,
  sku: string,
  region: string,
): Promise<Versioned<Allotment> | undefined> {
  const key = keys.allotment(sku, region);
  const item = await store.get(key.pk, key.sk);
  return item && { value: asEntity<Allotment>(item.data), version: item.version };
}

export function allotmentWrite(allotment: Allotment, expect: ItemWrite['expect']): ItemWrite {
  return { ...keys.allotment(allotment.sku, allotment.region), data: { ...allotment }, expect };
}

/** A stock move as one atomic counter write on a region's allotment (see `stockMoveCounters`). */
export function allotmentMove(sku: string, region: string, move: StockMove, quantity: number): CounterWrite {
  return { kind: 'counters', ...keys.allotment(sku, region), ...stockMoveCounters(move, quantity) };
}

/**
 * Adds units to a region's allotment: in place when it exists, so orders reserving from it at the same
 * moment cannot make the credit conflict (a rewrite of the whole allotment, conditional on its version,
 * can lose every retry while orders keep changing it); created when it does not, expecting it absent.
 */
export function allotmentCredit(
  current: Versioned<Allotment> | undefined,
  sku: string,
  region: string,
  quantity: number,
): ItemWrite | CounterWrite {
  return current
    ? allotmentMove(sku, region, 'receive', quantity)
    : allotmentWrite(restock(emptyAllotment(sku, region), quantity), 'absent');
}

/** How many items an index partition holds (the due indexes are small: work still to do). */
export async function countIndexPartition(store: ItemStore, index: IndexName, pk: string): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await store.queryIndex(index, pk, {
      limit: 200,
      ...(cursor === undefined ? {} : { cursor }),
    });
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return count;
}
