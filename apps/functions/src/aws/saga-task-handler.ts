import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { MeridianError } from '@meridian/domain';
import type { Context } from 'aws-lambda';
import type { SagaHandler, SagaTaskState } from '../saga/saga-handlers';
import { logger, metrics, sagaHandlers } from './composition-root';

/**
 * Custom metric (namespace `Meridian`, dimensions `service` and `step`) counting saga Task invocations
 * that failed for a reason the domain did not foresee. apps/infra alarms on it, and it is the saga
 * functions' CodeDeploy rollback signal instead of Lambda's `Errors`, which also counts the business
 * outcomes (declines, out of stock, cancellations) every Task reports by throwing.
 */
export const UNEXPECTED_ERRORS_METRIC = 'UnexpectedErrors';

export interface SagaTaskHandlerDependencies {
  /** Built on the first invocation, inside the error handling: a configuration error counts as unexpected. */
  handlers: () => Record<SagaTaskState, SagaHandler>;
  logger: Pick<Logger, 'info' | 'error' | 'addContext'>;
  metrics: Pick<Metrics, 'singleMetric'>;
}

/**
 * A saga Task handler. Errors are rethrown unchanged: Step Functions matches its Retry and Catch rules on
 * the error's name (TransientError, PaymentDeclinedError, …), so every failure stays a Lambda error. Only
 * errors that are not MeridianErrors (bugs, broken configuration, unreachable dependencies) are counted
 * in UnexpectedErrors, flushed before the rethrow.
 */
export function createSagaTaskHandler(
  state: SagaTaskState,
  deps: SagaTaskHandlerDependencies,
): (input: unknown, context?: Context) => Promise<unknown> {
  return async (input, context) => {
    const log = deps.logger;
    if (context) log.addContext(context);
    try {
      return await deps.handlers()[state](input);
    } catch (error) {
      // A domain error is an expected outcome the state machine handles (a decline, a cancelled order).
      if (error instanceof MeridianError) log.info(`${state} ended with ${error.name}`, { error });
      else {
        log.error(`${state} failed`, { error: error instanceof Error ? error : String(error) });
        countUnexpected(deps.metrics, state, log);
      }
      throw error;
    }
  };
}

function countUnexpected(
  metrics: SagaTaskHandlerDependencies['metrics'],
  state: SagaTaskState,
  log: SagaTaskHandlerDependencies['logger'],
): void {
  try {
    // A single metric is written (as an EMF log line) at once: the invocation is about to fail.
    const metric = metrics.singleMetric();
    metric.addDimension('step', state);
    metric.addMetric(UNEXPECTED_ERRORS_METRIC, MetricUnit.Count, 1);
  } catch (error) {
    // Never let the metric replace the error Step Functions must see.
    log.error('could not emit the UnexpectedErrors metric', { error: String(error) });
  }
}

/** The Lambda handler of one saga Task state, wired to the AWS composition root. */
export function sagaTaskHandler(
  state: SagaTaskState,
): (input: unknown, context?: Context) => Promise<unknown> {
  let handle: ReturnType<typeof createSagaTaskHandler> | undefined;
  return (input, context) => {
    handle ??= createSagaTaskHandler(state, {
      handlers: sagaHandlers,
      logger: logger(),
      metrics: metrics(),
    });
    return handle(input, context);
  };
}
