import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type BackoffPolicy,
  type OrderWorkflow,
  type ReconcilerOptions,
  reconcilePayments,
  resolveDueDuplicates,
  type SagaDependencies,
  settleDueOrders,
} from '@meridian/domain';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { logger, orderWorkflow, sagaDependencies } from '../aws/composition-root';

/** What one invocation does; the schedules set it (an operator may invoke the function with it too). */
export const integrityRequestSchema = z.strictObject({
  jobs: z.array(z.enum(['settle', 'duplicates', 'reconcile'])).min(1),
});

export type IntegrityJob = z.infer<typeof integrityRequestSchema>['jobs'][number];

/**
 * On AWS the sweeps run from schedules, once a minute at best, so each order or key backs off in minutes:
 * a compensation is retried every 1, 2, 4 … minutes up to an hour, for as long as it takes.
 */
export const AWS_INTEGRITY_TIMING: {
  settlement: BackoffPolicy;
  duplicates: BackoffPolicy;
  reconciler: ReconcilerOptions;
} = {
  settlement: { baseDelayMs: 60_000, maxDelayMs: 3_600_000 },
  duplicates: { baseDelayMs: 60_000, maxDelayMs: 1_800_000 },
  reconciler: {
    quietMs: 120_000,
    pageSize: 100,
    maxPages: 50,
    recheckMs: 300_000,
    maxRecheckMs: 3_600_000,
  },
};

export interface IntegritySweepDependencies {
  saga: () => SagaDependencies;
  workflow: () => OrderWorkflow;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  timing?: typeof AWS_INTEGRITY_TIMING;
}

export interface IntegritySweepResult {
  settled: number;
  stillOwed: number;
  duplicatesResolved: number;
  duplicatesWaiting: number;
  reconciled?: { ledgerEntriesRead: number; ordersChecked: number; fixed: number; unresolved: number };
}

/**
 * The AWS side of "money is settled, never dropped" (the local region runs the same domain functions in
 * loops): the settlement sweep retries what closed orders of this region still owe, the duplicate sweep
 * decides which of two orders for one Idempotency-Key is kept, the payment reconciler compares the
 * provider's ledger with the orders. Each job runs even when another failed; a failure fails the
 * invocation afterwards, so the function's error alarm tells an operator, and the next run tries again.
 */
export function createIntegritySweep(deps: IntegritySweepDependencies) {
  const timing = deps.timing ?? AWS_INTEGRITY_TIMING;
  return async (input: unknown): Promise<IntegritySweepResult> => {
    const { jobs } = integrityRequestSchema.parse(input);
    const result: IntegritySweepResult = {
      settled: 0,
      stillOwed: 0,
      duplicatesResolved: 0,
      duplicatesWaiting: 0,
    };
    const failures: string[] = [];
    const run = async (job: IntegrityJob, work: () => Promise<void>) => {
      if (!jobs.includes(job)) return;
      try {
        await work();
      } catch (error) {
        deps.logger.error(`integrity job ${job} failed`, {
          error: error instanceof Error ? error : String(error),
        });
        failures.push(job);
      }
    };
    await run('settle', async () => {
      for (const outcome of await settleDueOrders(deps.saga(), timing.settlement)) {
        if (outcome.outcome === 'settled') result.settled++;
        if (outcome.outcome === 'still-owed') {
          result.stillOwed++;
          deps.logger.warn('order still owes compensations; retrying later', { ...outcome });
        }
      }
    });
    await run('duplicates', async () => {
      for (const resolution of await resolveDueDuplicates(
        deps.saga().ctx,
        deps.workflow(),
        timing.duplicates,
      )) {
        if (resolution.outcome === 'resolved') {
          result.duplicatesResolved++;
          if (resolution.cancelled.length > 0)
            deps.logger.warn('two regions accepted one Idempotency-Key: cancelling the order not kept', {
              cancelled: resolution.cancelled,
            });
        } else result.duplicatesWaiting++;
      }
    });
    await run('reconcile', async () => {
      const report = await reconcilePayments(deps.saga(), timing.reconciler);
      result.reconciled = {
        ledgerEntriesRead: report.ledgerEntriesRead,
        ordersChecked: report.ordersChecked,
        fixed: report.fixed.length,
        unresolved: report.unresolved.length,
      };
      if (report.fixed.length > 0)
        deps.logger.warn('payment reconciler released money held for closed orders', { fixed: report.fixed });
      if (report.unresolved.length > 0)
        deps.logger.error('payment reconciler found what it could not fix', {
          unresolved: report.unresolved,
        });
    });
    deps.logger.info('integrity sweep', { jobs, ...result });
    if (failures.length > 0)
      throw new Error(`integrity jobs failed: ${failures.join(', ')}; the next run tries again`);
    return result;
  };
}

let sweep: ReturnType<typeof createIntegritySweep> | undefined;

/** Lambda entry: target of the integrity schedules (settle + duplicates every minute, reconcile every 5). */
export async function handler(input: unknown, context: Context): Promise<IntegritySweepResult> {
  logger().addContext(context);
  sweep ??= createIntegritySweep({ saga: sagaDependencies, workflow: orderWorkflow, logger: logger() });
  return sweep(input);
}
