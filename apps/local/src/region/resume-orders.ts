import type { LocalWorkflowRunner } from '@meridian/adapters-local';
import { IDEMPOTENCY_TTL_SECONDS, type OrderWorkflow, sagaExecutionName } from '@meridian/domain';
import type { Database } from 'better-sqlite3';
import { endedUnfinished } from './close-unfinished-order';

/**
 * After a crash: first cancels this region's orders that lost their Idempotency-Key to another region's
 * order (the key record replicated here, but the process died before cancelling), then re-runs every
 * saga execution that was RUNNING, then starts a saga for any order of this region that was committed
 * but whose saga never started (a kill between the two writes), and a cancellation run for a confirmed
 * order whose cancellation was requested. Starts are idempotent by name.
 */
export async function resumeInterruptedOrders(deps: {
  db: Database;
  runner: LocalWorkflowRunner;
  workflow: OrderWorkflow;
  region: string;
  /** Cancels one lost duplicate; `'cancelled'` when it did. */
  cancelDuplicate: (orderId: string, winnerOrderId: string) => Promise<string>;
}): Promise<{ resumedExecutions: number; startedSagas: number; cancelledDuplicates: number }> {
  let cancelledDuplicates = 0;
  for (const { orderId, winnerOrderId } of lostDuplicates(deps.db, deps.region)) {
    if ((await deps.cancelDuplicate(orderId, winnerOrderId)) === 'cancelled') cancelledDuplicates++;
  }
  const resumedExecutions = await deps.runner.resumeUnfinished();
  const orphans = deps.db
    .prepare(
      `SELECT json_extract(data, '$.orderId') AS orderId, json_extract(data, '$.status') AS status
       FROM items
       WHERE sk = 'ORDER' AND json_extract(data, '$.region') = ?
         AND (json_extract(data, '$.status') = 'PENDING'
           OR (json_extract(data, '$.status') = 'CONFIRMED' AND json_extract(data, '$.cancelRequested') = 1))`,
    )
    .all(deps.region) as Array<{ orderId: string; status: string }>;
  let startedSagas = 0;
  for (const order of orphans) {
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
  return { resumedExecutions, startedSagas, cancelledDuplicates };
}

/**
 * Orders of this region, not yet failed, cancelled, being cancelled or shipped (the domain's
 * `cancelDuplicateOrder` leaves those as they are), whose Idempotency-Key record names another order. One query over the local table (the record's key is the domain's
 * `keys.idempotency(customerId, key)`), so a start does not read every order one by one.
 */
function lostDuplicates(db: Database, region: string): Array<{ orderId: string; winnerOrderId: string }> {
  return db
    .prepare(
      `SELECT json_extract(o.data, '$.orderId') AS orderId, json_extract(k.data, '$.orderId') AS winnerOrderId
       FROM items o
       JOIN items k
         ON k.pk = 'IDEMPOTENCY#' || json_extract(o.data, '$.customerId') || '#' || json_extract(o.data, '$.idempotencyKey')
        AND k.sk = 'IDEMPOTENCY'
       WHERE o.sk = 'ORDER' AND json_extract(o.data, '$.region') = ?
         AND json_extract(o.data, '$.idempotencyKey') IS NOT NULL
         AND json_extract(o.data, '$.status') NOT IN ('FAILED', 'CANCELLED')
         AND IFNULL(json_extract(o.data, '$.cancelRequested'), 0) = 0
         AND IFNULL(json_extract(o.data, '$.shipment.status'), '') <> 'SHIPPED'
         AND json_extract(k.data, '$.orderId') <> json_extract(o.data, '$.orderId')
         -- Not when the other order took the key after this order's record had expired (see isDuplicateKeyUse).
         AND (json_extract(k.data, '$.createdAt') IS NULL
           OR unixepoch(json_extract(k.data, '$.createdAt'))
              < unixepoch(json_extract(o.data, '$.createdAt')) + ?)`,
    )
    .all(region, IDEMPOTENCY_TTL_SECONDS) as Array<{ orderId: string; winnerOrderId: string }>;
}
