import { backoffDelayMs } from '../shared/backoff';
import type { DomainContext } from '../shared/context';
import { nowIso } from '../shared/context';
import { keys } from '../store/keys';
import { asEntity, countIndexPartition, type Versioned } from '../store/repositories';
import type { ReconcileAction } from './check-order';

/** What a reconciler pass did; the last one of each region is kept, with running totals. */
export interface ReconciliationReport {
  region: string;
  startedAt: string;
  finishedAt: string;
  ledgerEntriesRead: number;
  ordersChecked: number;
  /** Money released in this pass. */
  fixed: ReconcileAction[];
  /** What could not be fixed in this pass (the orders stay watched). */
  unresolved: Array<{ orderId: string; reason: string }>;
  /** Orders still open (or owing a settlement) when checked, watched until they close. */
  waiting: number;
  totals: { passes: number; ordersChecked: number; fixed: number; unresolved: number };
  /** The latest releases, newest first (at most 20). */
  recentFixes: ReconcileAction[];
}

/** An order the reconciler looks at again: in the due index until it is in order. */
export interface ReconcileWatch {
  orderId: string;
  region: string;
  status: 'WATCHING' | 'DONE';
  reason: string;
  checks: number;
  dueAt: string;
}

type Ctx = Pick<DomainContext, 'store' | 'region' | 'clock'>;

export async function loadCursor(ctx: Ctx): Promise<Versioned<{ startingAfter?: string }> | undefined> {
  const key = keys.reconcilerCursor(ctx.region);
  const item = await ctx.store.get(key.pk, key.sk);
  return item && { value: asEntity<{ startingAfter?: string }>(item.data), version: item.version };
}

export async function saveCursor(
  ctx: Ctx,
  startingAfter: string | undefined,
  version?: number,
): Promise<void> {
  await ctx.store.transact([
    {
      ...keys.reconcilerCursor(ctx.region),
      data: { ...(startingAfter === undefined ? {} : { startingAfter }), updatedAt: nowIso(ctx) },
      // Two passes at once (a manual run during the loop's) must not move the cursor back.
      expect: version ?? 'absent',
    },
  ]);
}

export async function loadReport(ctx: Pick<DomainContext, 'store' | 'region'>) {
  const key = keys.reconcilerReport(ctx.region);
  const item = await ctx.store.get(key.pk, key.sk);
  return item && { value: asEntity<ReconciliationReport>(item.data), version: item.version };
}

export async function saveReport(ctx: Ctx, report: ReconciliationReport): Promise<void> {
  await ctx.store.transact([{ ...keys.reconcilerReport(ctx.region), data: { ...report } }]);
}

export async function dueWatches(ctx: Ctx, limit: number): Promise<ReconcileWatch[]> {
  const now = nowIso(ctx);
  const page = await ctx.store.queryIndex('gsi1', `RECONCILE_DUE#${ctx.region}`, { limit });
  return page.items
    .map((item) => asEntity<ReconcileWatch>(item.data))
    .filter((record) => record.dueAt <= now);
}

/** Orders this region's reconciler is watching. */
export function countWatches(ctx: Ctx): Promise<number> {
  return countIndexPartition(ctx.store, 'gsi1', `RECONCILE_DUE#${ctx.region}`);
}

/** Looks at the order again after a backoff that grows with every check. */
export async function watch(
  ctx: Ctx,
  orderId: string,
  reason: string,
  previous: ReconcileWatch | undefined,
  timing: { recheckMs: number; maxRecheckMs: number },
): Promise<void> {
  const checks = (previous?.checks ?? 0) + 1;
  const delay = backoffDelayMs(checks, { baseDelayMs: timing.recheckMs, maxDelayMs: timing.maxRecheckMs });
  const dueAt = new Date(ctx.clock.now() + delay).toISOString();
  const record: ReconcileWatch = { orderId, region: ctx.region, status: 'WATCHING', reason, checks, dueAt };
  await ctx.store.transact([
    {
      ...keys.reconcileWatch(orderId),
      data: { ...record },
      gsi1: keys.reconcileDueIndex(ctx.region, dueAt, orderId),
    },
  ]);
}

export async function unwatch(ctx: Ctx, record: ReconcileWatch): Promise<void> {
  // Written without the index key: the order leaves the due index.
  await ctx.store.transact([
    { ...keys.reconcileWatch(record.orderId), data: { ...record, status: 'DONE', reason: 'in order' } },
  ]);
}
