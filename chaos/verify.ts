import { DEMO_PRODUCTS } from '../apps/local/src/catalog/demo-catalog';
import { takeSnapshot } from './convergence';
import type { FinalState, InvariantResult } from './invariant';
import { checkLedger, checkStock } from './invariants-money';
import { checkNotifications } from './invariants-notifications';
import {
  checkAcknowledgedEverywhere,
  checkNoAcknowledgedCancelled,
  checkNoDuplicates,
  checkNoneStuck,
  unacknowledgedOrders,
} from './invariants-orders';
import type { LoadGenerator } from './load-generator';
import { type RegionReader, readLedger } from './region-reader';
import type { Restock } from './scenario';
import { readNotificationStore } from './store-files';

export interface Verdict {
  rows: InvariantResult[];
  /** What was verified, for the checks made outside (the orders as the regions hold them at the end). */
  state: FinalState;
  counts: {
    acknowledged: number;
    lost: number;
    duplicated: number;
    doubleCharged: number;
    stuck: number;
    oversold: number;
    ordersPerKey: Record<string, number>;
    unacknowledgedInStores: number;
    unfinishedKeys: number;
  };
  unacknowledged: ReturnType<typeof unacknowledgedOrders>;
}

/** Units each SKU was given: the demo catalog's seed stock (the platform seeds it on first start) plus restocks. */
export function supplyOf(restocks: readonly Restock[]): Record<string, number> {
  const supply: Record<string, number> = Object.fromEntries(
    DEMO_PRODUCTS.map((p) => [p.sku, p.initialStock]),
  );
  for (const restock of restocks) supply[restock.sku] = (supply[restock.sku] ?? 0) + restock.quantity;
  return supply;
}

/** Reads every region directly plus the provider's ledger, then checks every invariant. */
export async function verify(options: {
  readers: readonly RegionReader[];
  dataDir: string;
  paymentsUrl: string;
  paymentsApiKey: string;
  load: LoadGenerator;
  restocks: readonly Restock[];
}): Promise<Verdict> {
  const { readers, load } = options;
  const [snapshot, ledger, products, notifications] = await Promise.all([
    takeSnapshot(readers, options.dataDir),
    readLedger(options.paymentsUrl, options.paymentsApiKey),
    Promise.all(readers.map(async (reader) => [reader.region, await reader.products()] as const)),
    Promise.all(readers.map(async (reader) => [reader.region, await reader.notifications()] as const)),
  ]);
  // An order a region's listing lacks is looked up by id too, so an index gap is not mistaken for a loss.
  for (const region of snapshot.regions) {
    const reader = readers.find((candidate) => candidate.region === region.region);
    for (const ack of load.acknowledged) {
      if (region.orders.has(ack.orderId) || !reader) continue;
      const order = await reader.order(ack.orderId);
      if (order) region.orders.set(order.orderId, order);
    }
  }
  const state: FinalState = {
    snapshot,
    products: Object.fromEntries(products),
    notifications: Object.fromEntries(notifications),
    notificationStore: readNotificationStore(
      options.dataDir,
      readers.map((reader) => reader.region),
    ),
    ledger,
    acknowledged: load.acknowledged,
    unfinished: load.unfinished,
    attemptsByKey: load.attemptsByKey,
    supply: supplyOf(options.restocks),
  };
  const everywhere = checkAcknowledgedEverywhere(state);
  const stuck = checkNoneStuck(state);
  const duplicates = checkNoDuplicates(state);
  const stock = checkStock(state);
  const unacknowledged = unacknowledgedOrders(state);
  return {
    rows: [
      ...everywhere.rows,
      stuck.row,
      duplicates.row,
      checkNoAcknowledgedCancelled(state),
      ...stock.rows,
      ...checkLedger(state),
      ...checkNotifications(state),
    ],
    state,
    counts: {
      acknowledged: load.acknowledged.length,
      lost: everywhere.lost,
      duplicated: duplicates.duplicated,
      doubleCharged: duplicates.doubleCharged,
      stuck: stuck.stuck,
      oversold: stock.oversold,
      ordersPerKey: duplicates.ordersPerKey,
      unacknowledgedInStores: unacknowledged.length,
      unfinishedKeys: load.unfinished.length,
    },
    unacknowledged,
  };
}
