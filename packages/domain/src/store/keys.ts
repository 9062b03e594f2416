import { type IndexName, InvalidCursorError } from './item-store';

/**
 * The fixed sort keys and sort-key prefixes that the stores' start-up scans and the stream filters match
 * on; `keys` below builds every key from them.
 */
export const sortKeys = {
  order: 'ORDER',
  /** `CLAIM#<region>`: one region's claim on an Idempotency-Key. */
  idempotencyClaimPrefix: 'CLAIM#',
  /** The one record per key that per-region claims replaced: still read, never written. */
  oneItemIdempotency: 'IDEMPOTENCY',
  /** `TRANSFER#<transferId>`: units moved between two regions' allotments. */
  stockTransferPrefix: 'TRANSFER#',
  /** `CREDIT#<transferId>`: the receiving region credited that transfer. */
  stockCreditPrefix: 'CREDIT#',
} as const;

/** Partition-key prefixes that readers of changes and stream images match on. */
export const partitionPrefixes = {
  /** `IDEMPOTENCY#<customerId>#<key>`: every region's claim on one customer's Idempotency-Key. */
  idempotency: 'IDEMPOTENCY#',
} as const;

/** The single-table key layout, in one place (the DynamoDB table and the SQLite table share it). */
export const keys = {
  product: (sku: string) => ({ pk: `PRODUCT#${sku}`, sk: 'PRODUCT' }),
  productIndex: (sku: string) => ({ pk: 'PRODUCTS', sk: sku }),
  stockPartition: (sku: string) => `STOCK#${sku}`,
  allotment: (sku: string, region: string) => ({ pk: `STOCK#${sku}`, sk: `ALLOTMENT#${region}` }),
  order: (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: sortKeys.order }),
  customerOrdersIndex: (customerId: string, createdAt: string, orderId: string) => ({
    pk: `CUSTOMER#${customerId}`,
    sk: `${createdAt}#${orderId}`,
  }),
  allOrdersIndex: (createdAt: string, orderId: string) => ({ pk: 'ORDERS', sk: `${createdAt}#${orderId}` }),
  /** Every region's claims on one customer's Idempotency-Key share a partition (see orders/idempotency-claims.ts). */
  idempotencyPartition: (customerId: string, key: string) =>
    `${partitionPrefixes.idempotency}${customerId}#${key}`,
  /** One region's claim: written only by that region, so two regions never write one item. */
  idempotencyClaim: (customerId: string, key: string, region: string) => ({
    pk: `${partitionPrefixes.idempotency}${customerId}#${key}`,
    sk: `${sortKeys.idempotencyClaimPrefix}${region}`,
  }),
  /** A region's work on a key two regions accepted: in the due index until its orders are resolved. */
  duplicateKey: (customerId: string, key: string, region: string) => ({
    pk: `DUPLICATE#${customerId}#${key}`,
    sk: `DUPLICATE#${region}`,
  }),
  duplicatesDueIndex: (region: string, dueAt: string, customerId: string, key: string) => ({
    pk: `DUPLICATES_DUE#${region}`,
    sk: `${dueAt}#${customerId}#${key}`,
  }),
  /** What a closed order still owes, and when settlement tries again (see settlement/settlement.ts). */
  settlement: (orderId: string) => ({ pk: `SETTLEMENT#${orderId}`, sk: 'SETTLEMENT' }),
  /** Sparse: only settlements still owed are in it, ordered by when they are due. */
  settlementsDueIndex: (region: string, dueAt: string, orderId: string) => ({
    pk: `SETTLEMENTS_DUE#${region}`,
    sk: `${dueAt}#${orderId}`,
  }),
  /** Where the payment reconciler of a region has read the provider's ledger to, and its last report. */
  reconcilerCursor: (region: string) => ({ pk: `RECONCILER#${region}`, sk: 'CURSOR' }),
  reconcilerReport: (region: string) => ({ pk: `RECONCILER#${region}`, sk: 'REPORT' }),
  /** An order the reconciler looks at again later (it was still open, or could not be fixed yet). */
  reconcileWatch: (orderId: string) => ({ pk: `RECONCILE#${orderId}`, sk: 'RECONCILE' }),
  /** Sparse: only watched orders are in it, ordered by when they are due. */
  reconcileDueIndex: (region: string, dueAt: string, orderId: string) => ({
    pk: `RECONCILE_DUE#${region}`,
    sk: `${dueAt}#${orderId}`,
  }),
  notification: (notificationId: string) => ({ pk: `NOTIFICATION#${notificationId}`, sk: 'NOTIFICATION' }),
  allNotificationsIndex: (createdAt: string, notificationId: string) => ({
    pk: 'NOTIFICATIONS',
    sk: `${createdAt}#${notificationId}`,
  }),
  customerNotificationsIndex: (customerId: string, createdAt: string, notificationId: string) => ({
    pk: `CUSTOMER_NOTIFICATIONS#${customerId}`,
    sk: `${createdAt}#${notificationId}`,
  }),
} as const;

/** The query a cursor pages through: a cursor is only valid for the query that issued it. */
export interface IndexCursorQuery {
  index: IndexName;
  /** The index partition key the query reads. */
  pk: string;
  descending?: boolean;
}

/** Where a page of an index query stopped: the last item's index sort key and table key. */
export interface IndexPosition {
  indexSk: string;
  pk: string;
  sk: string;
}

/**
 * Index cursors, one encoding for every ItemStore: base64url JSON of the query (index, partition,
 * direction) and the position. Decoding refuses anything this encoder would not have produced for the
 * same query — another encoding of the same bytes, another shape, or a cursor of another index, partition
 * or direction — so a client cannot page one listing with another's cursor. (Cursors are not signed: a
 * client that builds one by hand can only choose where to start reading its own listing.)
 */
export const indexCursor = {
  encode(query: IndexCursorQuery, position: IndexPosition): string {
    const parts = [
      query.index,
      query.descending ? 'desc' : 'asc',
      query.pk,
      position.indexSk,
      position.pk,
      position.sk,
    ];
    return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
  },

  /** The position a cursor issued for `query` names; throws InvalidCursorError for any other string. */
  decode(query: IndexCursorQuery, cursor: string): IndexPosition {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (
        Array.isArray(parsed) &&
        parsed.length === 6 &&
        parsed.every((part) => typeof part === 'string') &&
        parsed[0] === query.index &&
        parsed[1] === (query.descending ? 'desc' : 'asc') &&
        parsed[2] === query.pk
      ) {
        const [, , , indexSk, pk, sk] = parsed as string[] as [
          string,
          string,
          string,
          string,
          string,
          string,
        ];
        const position = { indexSk, pk, sk };
        // Node's base64url decoder skips characters outside the alphabet and ignores trailing bits, so
        // only a cursor that re-encodes to itself is the one this API issued.
        if (indexCursor.encode(query, position) === cursor) return position;
      }
    } catch {
      // Fall through: any undecodable cursor is the caller's mistake.
    }
    throw new InvalidCursorError();
  },
} as const;
