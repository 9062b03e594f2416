import type { Logger } from '@aws-lambda-powertools/logger';
import { fromEventBridgeEvent } from '@meridian/adapters-aws';
import { type DomainContext, type OrderWorkflow, resumeOrderSaga } from '@meridian/domain';
import type { Context } from 'aws-lambda';
import { domainContext, logger, orderWorkflow } from '../aws/composition-root';

export interface OrderSagaStarterDependencies {
  ctx: DomainContext;
  workflow: OrderWorkflow;
  logger: Pick<Logger, 'info'>;
}

/**
 * Makes sure every accepted order gets its saga on AWS without the client's help. The API starts the
 * saga right after the commit, but that start may fail (Step Functions unreachable, a timeout) while the
 * order stands. This target of the order's own events (`OrderPlaced`, `OrderCancelRequested`, published
 * by the table stream from the outbox row committed with the order) starts the run the order still
 * awaits. EventBridge invokes it asynchronously: a failure is retried, then parked in the function's
 * dead-letter queue (redrivable from the console), and the scheduled sweep (order-saga-sweeper.ts) finds
 * the order too. Starts are named after the order, so a start that already happened is harmless.
 */
export function createOrderSagaStarter(deps: OrderSagaStarterDependencies) {
  return async (event: unknown): Promise<{ orderId: string; started: string | null }> => {
    const envelope = fromEventBridgeEvent(event);
    const orderId = envelope.detail.orderId;
    if (typeof orderId !== 'string') throw new Error(`event ${envelope.id} names no order`);
    const started = await resumeOrderSaga(deps.ctx, deps.workflow, orderId);
    deps.logger.info(started ? 'order saga started' : 'order awaits no saga run', {
      orderId,
      eventId: envelope.id,
      detailType: envelope['detail-type'],
      ...(started ? { mode: started } : {}),
    });
    return { orderId, started: started ?? null };
  };
}

let start: ReturnType<typeof createOrderSagaStarter> | undefined;

/** Lambda entry: target of the bus rule for this region's OrderPlaced and OrderCancelRequested events. */
export async function handler(
  event: unknown,
  context: Context,
): Promise<{ orderId: string; started: string | null }> {
  logger().addContext(context);
  start ??= createOrderSagaStarter({ ctx: domainContext(), workflow: orderWorkflow(), logger: logger() });
  return start(event);
}
