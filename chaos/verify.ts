import { DEMO_PRODUCTS } from '@meridian/local/catalog/demo-catalog';
import { takeSnapshot } from './convergence';
import type { FinalState, InvariantResult } from './invariant';
import { checkCompensationOneWay } from './invariants-compensation';
import { checkStock } from './invariants-money';
import { checkNotifications } from './invariants-notifications';
import {
  checkAcknowledgedEverywhere,
  checkCancelledOnlyAsDuplicates,
  checkNoneStuck,
  checkOneLiveOrderPerKey,
  unacknowledgedOrders,
} from './invariants-orders';
import { checkLedger, finalOrders, moneyByOrder, type OrderMoney } from './invariants-payments';
import type { AcknowledgedOrder, LoadGenerator } from './load-generator';
import type { OrderView } from './region-reader';
import { type RegionReader, readLedger } from './region-reader';
import type { Restock } from './scenario';
import { readNotificationStore } from './store-files';

export interface Verdict {
  rows: InvariantResult[];
  /** What was verified, for the checks made outside (the orders as the regions hold them at the end). */
  state: FinalState;
  /** One copy of every order (its own region's), and the ledger summed per order. */
  orders: OrderView[];
  money: Map<string, OrderMoney>;
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
  /** Orders acknowledged outside the load (the same-key pairs sent to regions directly). */
  alsoAcknowledged: readonly AcknowledgedOrder[];
  restocks: readonly Restock[];
}): Promise<Verdict> {
  const { readers, load } = options;
  const acknowledged = [...load.acknowledged, ...options.alsoAcknowledged];
  const [snapshot, ledger, products, notifications] = await Promise.all([
    takeSnapshot(readers, options.dataDir),
    readLedger(options.paymentsUrl, options.paymentsApiKey),
    Promise.all(readers.map(async (reader) => [reader.region, await reader.products()] as const)),
    Promise.all(readers.map(async (reader) => [reader.region, await reader.notifications()] as const)),
  ]);
  // An order a region's listing lacks is looked up by id too, so an index gap is not mistaken for a loss.
  for (const region of snapshot.regions) {
    const reader = readers.find((candidate) => candidate.region === region.region);
    for (const ack of acknowledged) {
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
    acknowledged,
    unfinished: load.unfinished,
    attemptsByKey: load.attemptsByKey,
    supply: supplyOf(options.restocks),
  };
  const everywhere = checkAcknowledgedEverywhere(state);
  const stuck = checkNoneStuck(state);
  const duplicates = checkOneLiveOrderPerKey(state);
  const orders = finalOrders(state);
  const stock = checkStock(state);
  const unacknowledged = unacknowledgedOrders(state);
  return {
    rows: [
      ...everywhere.rows,
      stuck.row,
      duplicates.row,
      checkCancelledOnlyAsDuplicates(state),
      checkCompensationOneWay(orders),
      ...stock.rows,
      ...checkLedger(state),
      ...checkNotifications(state),
    ],
    state,
    orders,
    money: moneyByOrder(state.ledger),
    counts: {
      acknowledged: acknowledged.length,
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
