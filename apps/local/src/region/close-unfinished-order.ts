import { endedUnfinished, type OrderWorkflow } from '@meridian/domain';

/** What the local workflow runner reports when an execution ends. */
export interface FinishedExecution {
  name: string;
  status: string;
  input: unknown;
}

export { endedUnfinished };

/**
 * A place run that ended without closing its order (its FailOrder failed for good, or the execution
 * timed out) leaves the order PENDING with nothing left to finish it. A cancel-mode run then compensates
 * (each compensation is idempotent) and closes it: FAILED with a technical reason, or CANCELLED when the
 * customer had asked. Only for an order still PENDING: a run can time out after its last step confirmed
 * the order, and a cancel-mode run would then refund a sale nobody cancelled. Returns whether it started
 * one; a cancel-mode run is never followed by another.
 */
export async function closeOrderAfterUnfinishedRun(
  execution: FinishedExecution,
  deps: { workflow: OrderWorkflow; isPending: (orderId: string) => Promise<boolean> },
): Promise<boolean> {
  const { orderId, mode } = (execution.input ?? {}) as { orderId?: string; mode?: string };
  if (!endedUnfinished(execution.status)) return false;
  if (mode !== 'place' || typeof orderId !== 'string') return false;
  if (!(await deps.isPending(orderId))) return false;
  await deps.workflow.startOrderSaga(orderId, 'cancel');
  return true;
}
