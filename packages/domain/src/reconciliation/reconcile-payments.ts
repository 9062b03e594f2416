import { regionOfOrderId } from '../orders/order';
import type { LedgerEntry } from '../payments/payment-provider';
import type { SagaDependencies } from '../saga/saga-step';
import { nowIso } from '../shared/context';
import { checkOrder, type OrderCheck, type ReconcileAction } from './check-order';
import {
  dueWatches,
  loadCursor,
  loadReport,
  type ReconciliationReport,
  saveCursor,
  saveReport,
  unwatch,
  watch,
} from './reconciliation-state';

export interface ReconcilerOptions {
  /** Ledger entries younger than this are left for a later pass, when their order has usually closed. */
  quietMs: number;
  /** Ledger entries per request, and requests per pass. */
  pageSize: number;
  maxPages: number;
  /** A watched order is looked at again after this, doubling up to `maxRecheckMs`. */
  recheckMs: number;
  maxRecheckMs: number;
}

/**
 * One pass of the payment reconciler of this region: reads the provider's ledger from where the last
 * pass stopped, and checks every order of this region it names (see `checkOrder`), plus the orders it
 * watches because they were still open or could not be fixed. Never captures. Writes its report, which
 * status, the console and `meridian reconcile` show. Locally each region runs it in a loop; on AWS a
 * scheduled function does.
 */
export async function reconcilePayments(
  deps: SagaDependencies,
  options: ReconcilerOptions,
): Promise<ReconciliationReport> {
  const { ctx } = deps;
  const startedAt = nowIso(ctx);
  const cursor = await loadCursor(ctx);
  const { entries, startingAfter } = await readLedger(deps, cursor?.value.startingAfter, options);
  const candidates = new Map<string, LedgerEntry[]>();
  for (const entry of entries) {
    if (regionOfOrderId(entry.orderId) !== ctx.region) continue;
    candidates.set(entry.orderId, [...(candidates.get(entry.orderId) ?? []), entry]);
  }
  const watched = new Map((await dueWatches(ctx, 100)).map((record) => [record.orderId, record]));
  // A watched order is checked in full: the entries that brought it up were read by an earlier pass.
  for (const orderId of watched.keys()) candidates.set(orderId, []);

  const checks: OrderCheck[] = [];
  for (const [orderId, seen] of candidates) {
    const check = await checkOrder(deps, orderId, seen);
    checks.push(check);
    const record = watched.get(orderId);
    if (check.result === 'wait' || check.result === 'unresolved') {
      await watch(ctx, orderId, check.reason, record, options);
    } else if (record) {
      await unwatch(ctx, record);
    }
  }
  if (startingAfter !== cursor?.value.startingAfter) await saveCursor(ctx, startingAfter, cursor?.version);

  const fixed: ReconcileAction[] = checks.flatMap((check) =>
    check.result === 'fixed' || check.result === 'unresolved' ? check.actions : [],
  );
  const unresolved = checks.flatMap((check) =>
    check.result === 'unresolved' ? [{ orderId: check.orderId, reason: check.reason }] : [],
  );
  const previous = (await loadReport(ctx))?.value;
  const report: ReconciliationReport = {
    region: ctx.region,
    startedAt,
    finishedAt: nowIso(ctx),
    ledgerEntriesRead: entries.length,
    ordersChecked: checks.length,
    fixed,
    unresolved,
    waiting: checks.filter((check) => check.result === 'wait').length,
    totals: {
      passes: (previous?.totals.passes ?? 0) + 1,
      ordersChecked: (previous?.totals.ordersChecked ?? 0) + checks.length,
      fixed: (previous?.totals.fixed ?? 0) + fixed.length,
      unresolved: (previous?.totals.unresolved ?? 0) + unresolved.length,
    },
    recentFixes: [...fixed, ...(previous?.recentFixes ?? [])].slice(0, 20),
  };
  // An idle pass (nothing read, nothing checked) changes nothing worth a write.
  if (entries.length > 0 || checks.length > 0 || !previous) await saveReport(ctx, report);
  return report;
}

/** Ledger entries after `startingAfter` that are older than the quiet period, and where that leaves the cursor. */
async function readLedger(
  deps: SagaDependencies,
  from: string | undefined,
  options: ReconcilerOptions,
): Promise<{ entries: LedgerEntry[]; startingAfter: string | undefined }> {
  const settledBefore = deps.ctx.clock.now() - options.quietMs;
  const entries: LedgerEntry[] = [];
  let startingAfter = from;
  for (let page = 0; page < options.maxPages; page++) {
    const result = await deps.payments.listLedger({
      limit: options.pageSize,
      ...(startingAfter === undefined ? {} : { startingAfter }),
    });
    for (const entry of result.entries) {
      if (entry.createdAt > settledBefore) return { entries, startingAfter };
      entries.push(entry);
      startingAfter = entry.id;
    }
    if (!result.hasMore) break;
  }
  return { entries, startingAfter };
}
