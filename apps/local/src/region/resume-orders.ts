import type { LocalWorkflowRunner } from '@meridian/adapters-local';
import { type OrderWorkflow, sagaExecutionName } from '@meridian/domain';
import type { Database } from 'better-sqlite3';

/**
 * After a crash: re-runs every saga execution that was RUNNING, then starts a saga for any order of
 * this region that was committed but whose saga never started (a kill between the two writes), and a
 * cancellation run for a confirmed order whose cancellation was requested. Starts are idempotent by name.
 */
export async function resumeInterruptedOrders(deps: {
  db: Database;
  runner: LocalWorkflowRunner;
  workflow: OrderWorkflow;
  region: string;
}): Promise<{ resumedExecutions: number; startedSagas: number }> {
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
    if (deps.runner.describe(sagaExecutionName(order.orderId, mode))) continue;
    await deps.workflow.startOrderSaga(order.orderId, mode);
    startedSagas++;
  }
  return { resumedExecutions, startedSagas };
}
