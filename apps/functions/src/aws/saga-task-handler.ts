import { MeridianError } from '@meridian/domain';
import type { Context } from 'aws-lambda';
import { createSagaHandlers, type SagaTaskState } from '../saga/saga-handlers';
import { logger, sagaDependencies } from './composition-root';

let handlers: ReturnType<typeof createSagaHandlers> | undefined;

/**
 * The Lambda handler of one saga Task state. Errors are rethrown unchanged: Step Functions matches its
 * Retry and Catch rules on the error's name (TransientError, PaymentDeclinedError, …).
 */
export function sagaTaskHandler(
  state: SagaTaskState,
): (input: unknown, context?: Context) => Promise<unknown> {
  return async (input, context) => {
    const log = logger();
    if (context) log.addContext(context);
    handlers ??= createSagaHandlers(sagaDependencies());
    try {
      return await handlers[state](input);
    } catch (error) {
      // A domain error is an expected outcome the state machine handles (a decline, a cancelled order).
      if (error instanceof MeridianError) log.info(`${state} ended with ${error.name}`, { error });
      else log.error(`${state} failed`, { error: error instanceof Error ? error : String(error) });
      throw error;
    }
  };
}
