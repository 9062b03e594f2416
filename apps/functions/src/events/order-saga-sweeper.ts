import type { Logger } from '@aws-lambda-powertools/logger';
import { type DomainContext, type OrderWorkflow, sweepOrderSagas } from '@meridian/domain';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { domainContext, logger, orderWorkflow } from '../aws/composition-root';

/** The schedule's input (the service stack sets it); an operator may invoke the function with it too. */
export const sweepRequestSchema = z.object({
  /** Orders younger than this are left to the API and the order events. */
  minAgeSeconds: z.number().int().min(0),
  /** How far back the sweep reads the order index. */
  maxAgeHours: z.number().positive(),
  /**
   * A PENDING order at least this old whose place run has ended (failed, timed out, aborted) gets a
   * cancellation run that compensates and closes it (past the execution's 1 h timeout; absent: none).
   */
  unfinishedAfterMinutes: z.number().positive().optional(),
});

export type SweepRequest = z.infer<typeof sweepRequestSchema>;

export interface OrderSagaSweeperDependencies {
  ctx: DomainContext;
  workflow: OrderWorkflow;
  logger: Pick<Logger, 'info' | 'error'>;
}

/**
 * The scheduled safety net behind the API's start and the order events' starter (order-saga-starter.ts):
 * starts the run every order of this region in the window still awaits, whatever stopped it (both
 * failed, the event went to a dead-letter queue). A sweep that could not start everything fails, so the
 * function's error alarm tells an operator; the next sweep tries again.
 */
export function createOrderSagaSweeper(deps: OrderSagaSweeperDependencies) {
  return async (input: unknown): Promise<{ examined: number; started: number }> => {
    const request = sweepRequestSchema.parse(input);
    const result = await sweepOrderSagas(deps.ctx, deps.workflow, {
      minAgeMs: request.minAgeSeconds * 1000,
      maxAgeMs: request.maxAgeHours * 3_600_000,
      ...(request.unfinishedAfterMinutes === undefined
        ? {}
        : { unfinishedAfterMs: request.unfinishedAfterMinutes * 60_000 }),
    });
    deps.logger.info('order saga sweep', {
      examined: result.examined,
      started: result.started,
      failed: result.failed.length,
    });
    for (const orderId of result.closed)
      deps.logger.error('a saga run ended without closing its order: compensating and closing it', {
        orderId,
      });
    for (const failure of result.failed) {
      deps.logger.error('order saga not started', {
        orderId: failure.orderId,
        mode: failure.mode,
        error: failure.error instanceof Error ? failure.error : String(failure.error),
      });
    }
    if (result.failed.length > 0) {
      throw new Error(
        `${result.failed.length} order saga(s) could not be started; the next sweep tries again`,
      );
    }
    return { examined: result.examined, started: result.started.length };
  };
}

let sweep: ReturnType<typeof createOrderSagaSweeper> | undefined;

/** Lambda entry: target of the sweep schedule (every few minutes). */
export async function handler(
  input: unknown,
  context: Context,
): Promise<{ examined: number; started: number }> {
  logger().addContext(context);
  sweep ??= createOrderSagaSweeper({ ctx: domainContext(), workflow: orderWorkflow(), logger: logger() });
  return sweep(input);
}
