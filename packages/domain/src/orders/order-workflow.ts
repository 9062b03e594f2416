/**
 * Port to the workflow engine that runs the order saga (Step Functions on AWS, aws-local-stepfunctions
 * locally). Starting is idempotent by execution name: `<orderId>` to place, `<orderId>-cancel` to cancel.
 * An implementation reports (logs) its own failures: callers after a commit do not rethrow them.
 */
export interface OrderWorkflow {
  startOrderSaga(orderId: string, mode: 'place' | 'cancel'): Promise<void>;
  /**
   * The status of the order's run in `mode` (undefined when there is none): lets a sweep find a run that
   * ended without closing its order. Optional: a caller that only starts runs needs none.
   */
  describeOrderSaga?(orderId: string, mode: 'place' | 'cancel'): Promise<SagaRunStatus | undefined>;
}

export type SagaRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/**
 * A run that ended without reaching the end of the state machine (failed, timed out, aborted): its
 * order, if still PENDING, has nothing left to close it but a cancellation run, which compensates
 * (each compensation is idempotent) and closes it.
 */
export function endedUnfinished(status: string): boolean {
  return status !== 'SUCCEEDED' && status !== 'RUNNING';
}

export function sagaExecutionName(orderId: string, mode: 'place' | 'cancel'): string {
  return mode === 'place' ? orderId : `${orderId}-cancel`;
}

/**
 * Starts a saga for a request that has already committed (an accepted order, a requested cancellation).
 * The request stands whatever happens here, so a failed start is not the caller's error: the committed
 * state and its event start the saga again (on AWS the OrderPlaced / OrderCancelRequested event's starter
 * and the scheduled sweep; locally the region's resume on start), and starting twice is harmless.
 * Resolves whether this start succeeded.
 */
export async function startSagaAfterCommit(
  workflow: OrderWorkflow,
  orderId: string,
  mode: 'place' | 'cancel',
): Promise<boolean> {
  try {
    await workflow.startOrderSaga(orderId, mode);
    return true;
  } catch {
    return false;
  }
}
