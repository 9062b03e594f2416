import type { FinalState } from './invariant';
import type { LedgerEntry, OrderView } from './region-reader';

/** Fixtures for the invariant tests: orders and ledgers as the platform returns them, minus what no check reads. */
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const at = (ms: number) => new Date(T0 + ms).toISOString();

export function order(
  orderId: string,
  status: string,
  overrides: Partial<OrderView> & { timelineTypes?: string[] } = {},
): OrderView {
  const { timelineTypes, ...rest } = overrides;
  return {
    orderId,
    region: 'us-east-1',
    customerId: 'alice',
    status,
    cancelRequested: false,
    lines: [{ sku: 'MUG-001', name: 'Mug', unitPriceMinor: 10, quantity: 1, lineTotalMinor: 10 }],
    shippingAddress: { name: 'A', line1: '1', city: 'S', postalCode: '1', country: 'US' },
    inventory: status === 'CONFIRMED' ? 'COMMITTED' : 'RELEASED',
    timeline: (timelineTypes ?? ['PLACED', status]).map((type, index) => ({ type, at: at(index) })),
    createdAt: at(0),
    updatedAt: at(0),
    ...(status === 'CONFIRMED'
      ? {
          shipment: {
            shipmentId: `sh_${orderId}`,
            carrier: 'c',
            trackingNumber: 't',
            status: 'CREATED' as const,
          },
        }
      : {}),
    ...rest,
  } as unknown as OrderView;
}

type Entry = Pick<LedgerEntry, 'type' | 'amount' | 'order_id'> & Partial<LedgerEntry>;

/** Ledger entries in order; an authorization's id is `au_<order>` unless given, others point at it. */
export function ledger(entries: Entry[]): LedgerEntry[] {
  return entries.map((entry, index) => ({
    id: entry.id ?? (entry.type === 'authorization' ? `au_${entry.order_id}` : `le_${index}`),
    authorization_id: entry.authorization_id ?? `au_${entry.order_id}`,
    created: entry.created ?? T0 + index,
    ...entry,
  }));
}

/** A final state holding these orders in one region (their own) and this ledger. */
export function state(
  orders: OrderView[],
  entries: LedgerEntry[] = [],
  extra: Partial<FinalState> = {},
): FinalState {
  return {
    snapshot: {
      regions: [{ region: 'us-east-1', orders: new Map(orders.map((o) => [o.orderId, o])) }],
      transfers: { transfers: [], uncredited: [], idempotency: {} },
    },
    ledger: entries,
    acknowledged: [],
    attemptsByKey: new Map(),
    ...extra,
  } as unknown as FinalState;
}

/** A captured order's ledger: authorized, then captured. */
export const paid = (orderId: string, amount = 10): Entry[] => [
  { type: 'authorization', amount, order_id: orderId },
  { type: 'capture', amount, order_id: orderId },
];
