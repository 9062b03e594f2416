/**
 * Port to the workflow engine that runs the order saga (Step Functions on AWS, aws-local-stepfunctions
 * locally). Starting is idempotent by execution name: `<orderId>` to place, `<orderId>-cancel` to cancel.
 */
export interface OrderWorkflow {
  startOrderSaga(orderId: string, mode: 'place' | 'cancel'): Promise<void>;
}

export function sagaExecutionName(orderId: string, mode: 'place' | 'cancel'): string {
  return mode === 'place' ? orderId : `${orderId}-cancel`;
}
