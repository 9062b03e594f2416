import type { CompensationStep, Order, OrderSettlement } from '../orders/order';
import type { BackoffPolicy } from '../shared/backoff';
import type { DomainContext } from '../shared/context';
import type { ItemWrite } from '../store/item-store';
import { keys } from '../store/keys';
import { asEntity, type Versioned } from '../store/repositories';

/**
 * A closed order's debt: the compensations that could not finish when it closed (the payment provider or
 * the carrier was down, or answered too late), retried with capped exponential backoff for as long as it
 * takes. One record per order, written only by the order's region; while it is owed it sits in a sparse
 * index ordered by when it is due, which the region's settlement sweep reads.
 */
export interface SettlementRecord {
  orderId: string;
  region: string;
  status: 'PENDING' | 'SETTLED';
  owed: CompensationStep[];
  /** When the order closed owing them. */
  since: string;
  /** Settlement runs so far (the saga's own tries are not counted). */
  attempts: number;
  nextAttemptAt: string;
  lastError?: string;
  settledAt?: string;
}

/** How long settlement waits between tries of one order. */
export type SettlementPolicy = BackoffPolicy;

export async function loadSettlement(
  ctx: Pick<DomainContext, 'store'>,
  orderId: string,
): Promise<Versioned<SettlementRecord> | undefined> {
  const key = keys.settlement(orderId);
  const item = await ctx.store.get(key.pk, key.sk);
  return item && { value: asEntity<SettlementRecord>(item.data), version: item.version };
}

/** The record's write: in the due index while owed, out of it once settled. */
export function settlementWrite(record: SettlementRecord, expect?: ItemWrite['expect']): ItemWrite {
  return {
    ...keys.settlement(record.orderId),
    data: { ...record },
    ...(record.status === 'PENDING'
      ? { gsi1: keys.settlementsDueIndex(record.region, record.nextAttemptAt, record.orderId) }
      : {}),
    ...(expect === undefined ? {} : { expect }),
  };
}

/**
 * What an order closing with `owed` compensations records: the order's settlement (PENDING) and the
 * record the sweep finds, due at once (the saga has just retried them; the sweep's first try backs off).
 */
export function openSettlement(
  order: Order,
  owed: readonly CompensationStep[],
  now: string,
): { settlement: OrderSettlement; record: SettlementRecord } {
  return {
    settlement: { status: 'PENDING', owed: [...owed], since: now },
    record: {
      orderId: order.orderId,
      region: order.region,
      status: 'PENDING',
      owed: [...owed],
      since: now,
      attempts: 0,
      nextAttemptAt: now,
    },
  };
}

/** Pending settlements of this region, oldest due first (for the sweep, the status and the console). */
export async function listOwedSettlements(
  ctx: Pick<DomainContext, 'store' | 'region'>,
  page: { limit: number; cursor?: string },
): Promise<{ items: SettlementRecord[]; nextCursor?: string }> {
  const result = await ctx.store.queryIndex('gsi1', `SETTLEMENTS_DUE#${ctx.region}`, {
    limit: page.limit,
    ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
  });
  return {
    items: result.items.map((item) => asEntity<SettlementRecord>(item.data)),
    ...(result.nextCursor === undefined ? {} : { nextCursor: result.nextCursor }),
  };
}

/** How much is owed here: the number of orders and how long the oldest has waited. */
export async function settlementSummary(
  ctx: Pick<DomainContext, 'store' | 'region' | 'clock'>,
): Promise<{ owed: number; oldestSince: string | null; oldestAgeMs: number | null }> {
  let owed = 0;
  let oldest: string | null = null;
  let cursor: string | undefined;
  do {
    const page = await listOwedSettlements(ctx, { limit: 200, ...(cursor === undefined ? {} : { cursor }) });
    owed += page.items.length;
    for (const record of page.items) if (oldest === null || record.since < oldest) oldest = record.since;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return {
    owed,
    oldestSince: oldest,
    oldestAgeMs: oldest === null ? null : Math.max(0, ctx.clock.now() - Date.parse(oldest)),
  };
}
