import {
  assertNotCancelled,
  loadSagaOrder,
  recordOnOrder,
  type SagaDependencies,
  type SagaStepInput,
  type SagaStepOutput,
  stepKey,
} from '../saga-step';

/**
 * Forward: authorize the order total on the customer's payment method (a decline fails the order).
 * A cancellation is honoured only before the provider is called: once the authorization exists it is
 * always recorded, so the compensation (VoidPayment) can find it and release it.
 */
export async function authorizePayment(
  deps: SagaDependencies,
  input: SagaStepInput,
): Promise<SagaStepOutput> {
  const { value: order } = await loadSagaOrder(deps.ctx, input.orderId);
  if (order.payment) {
    return {
      orderId: order.orderId,
      outcome: 'already-applied',
      authorizationId: order.payment.authorizationId,
    };
  }
  assertNotCancelled(order);
  const { authorizationId, amountMinor } = await deps.payments.authorize({
    idempotencyKey: stepKey(order.orderId, 'authorize'),
    orderId: order.orderId,
    amountMinor: order.totalMinor,
    currency: order.currency,
    paymentMethod: order.paymentMethod,
  });
  const recorded = await recordOnOrder(deps.ctx, order.orderId, (current) =>
    current.payment
      ? undefined
      : {
          entry: 'PAYMENT_AUTHORIZED',
          changes: { payment: { authorizationId, status: 'AUTHORIZED', amountMinor, refundedMinor: 0 } },
          event: 'OrderPaymentAuthorized',
          eventDetail: { authorizationId },
        },
  );
  return { orderId: order.orderId, outcome: recorded ? 'applied' : 'already-applied', authorizationId };
}

/** Compensation: release an authorization that was never captured. Does nothing otherwise. */
export async function voidPayment(deps: SagaDependencies, input: SagaStepInput): Promise<SagaStepOutput> {
  const { value: order } = await loadSagaOrder(deps.ctx, input.orderId);
  const payment = order.payment;
  if (payment?.status !== 'AUTHORIZED') {
    return { orderId: order.orderId, outcome: payment?.status === 'VOIDED' ? 'already-applied' : 'skipped' };
  }
  await deps.payments.void({
    idempotencyKey: stepKey(order.orderId, 'void'),
    authorizationId: payment.authorizationId,
  });
  const recorded = await recordOnOrder(deps.ctx, order.orderId, (current) =>
    current.payment?.status !== 'AUTHORIZED'
      ? undefined
      : {
          entry: 'PAYMENT_VOIDED',
          changes: { payment: { ...current.payment, status: 'VOIDED' } },
          event: 'OrderPaymentVoided',
        },
  );
  return { orderId: order.orderId, outcome: recorded ? 'applied' : 'already-applied' };
}
