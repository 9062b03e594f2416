import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileStateMachine,
  LocalWorkflowRunner,
  localFunctionArns,
  placeholderNames,
  substituteDefinition,
  type TaskHandler,
} from '@meridian/adapters-local';
import type { Timers } from '@meridian/adapters-node';
import {
  type Clock,
  type DomainContext,
  loadOrder,
  type OrderWorkflow,
  sagaExecutionName,
} from '@meridian/domain';
import type { Database } from 'better-sqlite3';
import { REPO_ROOT } from '../config/local-config';
import { closeOrderAfterUnfinishedRun, type FinishedExecution } from './close-unfinished-order';
import type { LocalRegionOptions, RegionLogger } from './region-options';

export const SAGA_DEFINITION_FILE = join(REPO_ROOT, 'statemachines/order-saga.asl.json');

/** The saga's definition for one region, every `${...FunctionArn}` substituted with the region's local ARN. */
export function regionSagaDefinition(region: string): object {
  const aslText = readFileSync(SAGA_DEFINITION_FILE, 'utf8');
  return substituteDefinition(aslText, localFunctionArns(placeholderNames(aslText), region));
}

export interface SagaRuntimeDependencies {
  db: Database;
  ctx: DomainContext;
  handlers: Record<string, TaskHandler>;
  clock: Clock;
  timers: Timers;
  logger: RegionLogger;
}

/**
 * The order saga on this region: the workflow runner with the real ASL and the saga's handlers, and the
 * `OrderWorkflow` the API and the integrity loops start sagas through. A run that ends without closing its
 * order starts the run that compensates and closes it.
 */
export function createSagaRuntime(
  deps: SagaRuntimeDependencies,
  options: Pick<LocalRegionOptions, 'region' | 'sagaMachine' | 'retryIntervalMs' | 'sagaConcurrency'>,
): { runner: LocalWorkflowRunner; workflow: OrderWorkflow } {
  const { db, ctx, clock, timers, logger } = deps;
  const isPending = async (orderId: string) =>
    (await loadOrder(ctx.store, orderId))?.value.status === 'PENDING';
  const definition = regionSagaDefinition(options.region);
  const runner: LocalWorkflowRunner = new LocalWorkflowRunner({
    db,
    definition,
    machine: options.sagaMachine ?? compileStateMachine(definition),
    handlers: deps.handlers,
    ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
    ...(options.sagaConcurrency ? { maxConcurrent: options.sagaConcurrency } : {}),
    clock,
    timers,
    logger: {
      info: (message, extra) => logger.debug(message, { ...extra }),
      error: (message, extra) => logger.error(message, { ...extra }),
    },
    // Called only once a run finishes, so the runner this refers to exists by then.
    onExecutionFinished: (execution) =>
      closeIfUnfinished(execution, { workflow: runnerWorkflow(runner, logger), isPending }, logger),
  });
  return { runner, workflow: runnerWorkflow(runner, logger) };
}

/** Starts order sagas on the runner; a failed start is logged and rethrown (the region's start resumes it). */
function runnerWorkflow(runner: Pick<LocalWorkflowRunner, 'start'>, logger: RegionLogger): OrderWorkflow {
  return {
    startOrderSaga: async (orderId, mode) => {
      try {
        await runner.start(sagaExecutionName(orderId, mode), { orderId, mode });
      } catch (error) {
        // After a commit the domain does not fail the request for it: the region's start resumes the order.
        logger.warn('order saga not started; the next start of this region resumes it', {
          orderId,
          mode,
          error: String(error),
        });
        throw error;
      }
    },
  };
}

/** Logs a finished run and, when it ended without closing its order, starts the run that closes it. */
function closeIfUnfinished(
  execution: FinishedExecution,
  closing: Parameters<typeof closeOrderAfterUnfinishedRun>[1],
  logger: RegionLogger,
): void {
  logger.info('saga finished', {
    correlation_id: (execution.input as { orderId?: string }).orderId,
    execution: execution.name,
    status: execution.status,
  });
  closeOrderAfterUnfinishedRun(execution, closing)
    .then((started) => {
      if (started)
        logger.warn('a saga ended without closing its order: compensating and closing it', {
          execution: execution.name,
          status: execution.status,
        });
    })
    .catch((error: unknown) =>
      logger.error('could not start the run that closes an unfinished order', {
        execution: execution.name,
        error: String(error),
      }),
    );
}
