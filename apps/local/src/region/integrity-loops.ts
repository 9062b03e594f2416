import type { Timers } from '@meridian/adapters-node';
import {
  countWatches,
  loadReport,
  type OrderWorkflow,
  openDuplicateKeys,
  type ReconcilerOptions,
  type ReconciliationReport,
  reconcilePayments,
  resolveDueDuplicates,
  type SagaDependencies,
  type SettlementPolicy,
  type SettleOutcome,
  settleDueOrders,
  settlementSummary,
} from '@meridian/domain';
import { PeriodicTask } from './periodic-task';

interface IntegrityLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/** The duplicate sweep's signature: the domain's `resolveDueDuplicates`, or a stand-in the simulator sets. */
export type DuplicateSweep = typeof resolveDueDuplicates;

export interface IntegrityLoopOptions {
  settlement: SettlementPolicy & { intervalMs: number };
  reconciler: ReconcilerOptions & { intervalMs: number };
  duplicates: { intervalMs: number; baseDelayMs: number; maxDelayMs: number };
  /** The timers the loops wait with (default Node's). */
  timers?: Timers;
  /** Default the domain's `resolveDueDuplicates`. */
  duplicateSweep?: DuplicateSweep;
}

/**
 * Settlement and the duplicate sweep look for due work every second (each order or key backs off on its
 * own, to 30 s), the reconciler every 5 s.
 */
export const DEFAULT_INTEGRITY_LOOPS: IntegrityLoopOptions = {
  settlement: { intervalMs: 1_000, baseDelayMs: 1_000, maxDelayMs: 30_000 },
  duplicates: { intervalMs: 1_000, baseDelayMs: 1_000, maxDelayMs: 30_000 },
  reconciler: {
    intervalMs: 5_000,
    quietMs: 10_000,
    pageSize: 100,
    maxPages: 20,
    recheckMs: 5_000,
    maxRecheckMs: 300_000,
  },
};

/**
 * A region's integrity loops: the settlement sweep, which retries the compensations closed orders still
 * owe until they succeed; the payment reconciler, which compares the provider's ledger with the region's
 * orders; the duplicate sweep, which decides which of two orders for one Idempotency-Key is kept. Each
 * acts on this region's orders only.
 */
export function createIntegrityLoops(
  deps: SagaDependencies,
  workflow: OrderWorkflow,
  logger: IntegrityLogger,
  options = DEFAULT_INTEGRITY_LOOPS,
) {
  let lastReconcileError: string | null = null;
  let lastReconcileAt: string | null = null;
  let lastSweepAt: string | null = null;
  const timers = options.timers ? { timers: options.timers } : {};
  const sweepDuplicates = options.duplicateSweep ?? resolveDueDuplicates;
  const settlement = new PeriodicTask<SettleOutcome[]>({
    ...timers,
    intervalMs: options.settlement.intervalMs,
    run: async () => {
      const outcomes = await settleDueOrders(deps, options.settlement);
      lastSweepAt = new Date(deps.ctx.clock.now()).toISOString();
      for (const outcome of outcomes) {
        if (outcome.outcome === 'settled')
          logger.info('order settled: every compensation it owed has run', { ...outcome });
        else if (outcome.outcome === 'still-owed')
          logger.warn('order still owes compensations; retrying later', { ...outcome });
      }
      return outcomes;
    },
    onError: (error) => logger.error('settlement sweep failed', { error: String(error) }),
  });
  const reconciler = new PeriodicTask<ReconciliationReport>({
    ...timers,
    intervalMs: options.reconciler.intervalMs,
    run: async () => {
      try {
        const report = await reconcilePayments(deps, options.reconciler);
        lastReconcileError = null;
        lastReconcileAt = report.finishedAt;
        if (report.fixed.length > 0)
          logger.warn('payment reconciler released money held for closed orders', { fixed: report.fixed });
        if (report.unresolved.length > 0)
          logger.error('payment reconciler found what it could not fix', { unresolved: report.unresolved });
        return report;
      } catch (error) {
        lastReconcileError = String(error);
        throw error;
      }
    },
    onError: (error) => logger.warn('payment reconciler pass failed; trying again', { error: String(error) }),
  });
  const duplicates = new PeriodicTask<Awaited<ReturnType<DuplicateSweep>>>({
    ...timers,
    intervalMs: options.duplicates.intervalMs,
    run: async () => {
      const results = await sweepDuplicates(deps.ctx, workflow, options.duplicates);
      for (const result of results) {
        if (result.outcome === 'resolved' && result.cancelled.length > 0)
          logger.warn('two regions accepted one Idempotency-Key: cancelling the order not kept', {
            customerId: result.customerId,
            key: result.key,
            cancelled: result.cancelled,
          });
      }
      return results;
    },
    onError: (error) => logger.error('duplicate sweep failed', { error: String(error) }),
  });
  return {
    start(): void {
      settlement.start();
      reconciler.start();
      duplicates.start();
    },
    async stop(): Promise<void> {
      await Promise.all([settlement.stop(), reconciler.stop(), duplicates.stop()]);
    },
    /** A duplicate sweep now (when another region's claim arrived). */
    resolveDuplicatesNow: () => duplicates.runNow(),
    /** One reconciler pass now (`meridian reconcile`, the console). */
    reconcileNow: () => reconciler.runNow(),
    /** One settlement sweep now (tests, the console). */
    settleNow: () => settlement.runNow(),
    /** What is owed and what the reconciler last found, for the region's status. */
    async status() {
      const [owed, report, watching, duplicateKeys] = await Promise.all([
        settlementSummary(deps.ctx),
        loadReport(deps.ctx),
        countWatches(deps.ctx),
        openDuplicateKeys(deps.ctx),
      ]);
      return {
        duplicates: { open: duplicateKeys },
        settlement: { ...owed, lastSweepAt },
        reconciliation: {
          // Passes that find nothing to check are not saved: the time of this process's last pass.
          lastRunAt: lastReconcileAt ?? report?.value.finishedAt ?? null,
          lastError: lastReconcileError,
          unresolved: report?.value.unresolved ?? [],
          fixedTotal: report?.value.totals.fixed ?? 0,
          watching,
        },
      };
    },
  };
}

export type IntegrityLoops = ReturnType<typeof createIntegrityLoops>;
