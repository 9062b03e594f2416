import type { LocalWorkflowRunner } from '@meridian/adapters-local';
import {
  type DomainContext,
  noteDuplicateKey,
  type OrderWorkflow,
  type RecoveryQueries,
  sagaExecutionName,
} from '@meridian/domain';
import { endedUnfinished } from './close-unfinished-order';

/**
 * After a crash: notes every Idempotency-Key this region and another region both claimed (a peer's claim
 * may have been applied just before the process died, before the live path noted it; the duplicate sweep
 * then decides which order is kept), re-runs every saga execution that was RUNNING, then starts a saga
 * for any order of this region that was committed but whose saga never started (a kill between the two
 * writes), and a cancellation run for a confirmed order whose cancellation was requested. Starts are
 * idempotent by name.
 */
export async function resumeInterruptedOrders(deps: {
  ctx: DomainContext;
  queries: RecoveryQueries;
  runner: LocalWorkflowRunner;
  workflow: OrderWorkflow;
}): Promise<{ resumedExecutions: number; startedSagas: number; duplicateKeys: number }> {
  const { ctx } = deps;
  let duplicateKeys = 0;
  for (const key of deps.queries.contestedIdempotencyKeys(ctx.region)) {
    if (await noteDuplicateKey(ctx, key)) duplicateKeys++;
  }
  const resumedExecutions = await deps.runner.resumeUnfinished();
  let startedSagas = 0;
  for (const order of deps.queries.ordersToResume(ctx.region)) {
    const mode = order.status === 'PENDING' ? 'place' : 'cancel';
    const execution = deps.runner.describe(sagaExecutionName(order.orderId, mode));
    if (execution) {
      // A place run that ended without closing its PENDING order (the process stopped before the live
      // hook, closeOrderAfterUnfinishedRun, ran): a cancel-mode run compensates and closes it.
      if (
        mode === 'place' &&
        endedUnfinished(execution.status) &&
        !deps.runner.describe(sagaExecutionName(order.orderId, 'cancel'))
      ) {
        await deps.workflow.startOrderSaga(order.orderId, 'cancel');
        startedSagas++;
      }
      continue;
    }
    await deps.workflow.startOrderSaga(order.orderId, mode);
    startedSagas++;
  }
  return { resumedExecutions, startedSagas, duplicateKeys };
}
