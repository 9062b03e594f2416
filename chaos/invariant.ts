import type { Snapshot } from './convergence';
import type { AcknowledgedOrder, Attempt, UnfinishedOrder } from './load-generator';
import type { LedgerEntry, NotificationView, OrderView, ProductView } from './region-reader';
import type { NotificationStore } from './store-files';

/** One row of the verdict: a named invariant, whether it held, a one-line summary and the evidence. */
export interface InvariantResult {
  name: string;
  passed: boolean;
  summary: string;
  /** The offending orders, SKUs or notifications (capped so the report stays readable). */
  details?: unknown;
  /**
   * A counted observation, not a check: printed as INFO, never fails the run and is counted neither as
   * passed nor as failed.
   */
  informational?: boolean;
}

/** Everything read after the run: the regions, the provider ledger and what the clients saw. */
export interface FinalState {
  snapshot: Snapshot;
  products: Record<string, ProductView[]>;
  notifications: Record<string, NotificationView[]>;
  /** The NOTIFICATION# items and their replication conflicts, read from each region's store file. */
  notificationStore: Record<string, NotificationStore>;
  ledger: LedgerEntry[];
  acknowledged: AcknowledgedOrder[];
  unfinished: UnfinishedOrder[];
  attemptsByKey: ReadonlyMap<string, Attempt[]>;
  /** Units each SKU was given: the demo catalog's stock plus the run's restocks. */
  supply: Record<string, number>;
}

export const DETAIL_LIMIT = 20;

export function capped<T>(items: readonly T[], limit = DETAIL_LIMIT): { count: number; first: T[] } {
  return { count: items.length, first: items.slice(0, limit) };
}

/** Every copy of every order, across regions, by order id. */
export function copiesById(
  state: Pick<FinalState, 'snapshot'>,
): Map<string, Array<{ region: string; order: OrderView }>> {
  const copies = new Map<string, Array<{ region: string; order: OrderView }>>();
  for (const region of state.snapshot.regions) {
    for (const order of region.orders.values()) {
      const list = copies.get(order.orderId) ?? [];
      list.push({ region: region.region, order });
      copies.set(order.orderId, list);
    }
  }
  return copies;
}

/** The copy written by the order's own region (the only writer), else any copy. */
export function authoritative(
  copies: ReadonlyArray<{ region: string; order: OrderView }>,
): OrderView | undefined {
  return (copies.find((copy) => copy.region === copy.order.region) ?? copies[0])?.order;
}

export const TERMINAL_STATUSES = new Set(['CONFIRMED', 'FAILED', 'CANCELLED']);
