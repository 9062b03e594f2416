/**
 * Port to the workflow engine that runs the order saga (Step Functions on AWS, aws-local-stepfunctions
 * locally). Starting is idempotent by execution name: `<orderId>` to place, `<orderId>-cancel` to cancel.
 * An implementation reports (logs) its own failures: callers after a commit do not rethrow them.
 */
export interface OrderWorkflow {
  startOrderSaga(orderId: string, mode: 'place' | 'cancel'): Promise<void>;
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
