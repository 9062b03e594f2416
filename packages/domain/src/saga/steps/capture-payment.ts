import { MeridianError } from '../../shared/errors';
import {
  assertNotCancelled,
  loadSagaOrder,
  recordOnOrder,
  type SagaDependencies,
  type SagaStepInput,
  type SagaStepOutput,
  stepKey,
} from '../saga-step';

export class PaymentNotAuthorizedError extends MeridianError {
  constructor(orderId: string) {
    super('payment_not_authorized', `Order ${orderId} has no authorized payment to capture.`);
  }
}

/**
 * Forward: capture the authorized amount once the shipment exists. A cancellation is honoured only
 * before the provider is called; a capture that happened is always recorded so RefundPayment finds it.
 */
export async function capturePayment(deps: SagaDependencies, input: SagaStepInput): Promise<SagaStepOutput> {
  const { value: order } = await loadSagaOrder(deps.ctx, input.orderId);
  if (order.payment?.status === 'CAPTURED') return { orderId: order.orderId, outcome: 'already-applied' };
  assertNotCancelled(order);
  const payment = order.payment;
  if (payment?.status !== 'AUTHORIZED') throw new PaymentNotAuthorizedError(order.orderId);
  await deps.payments.capture({
    idempotencyKey: stepKey(order.orderId, 'capture'),
    authorizationId: payment.authorizationId,
    amountMinor: payment.amountMinor,
  });
  const recorded = await recordOnOrder(deps.ctx, order.orderId, (current) =>
    current.payment?.status === 'CAPTURED'
      ? undefined
      : {
          entry: 'PAYMENT_CAPTURED',
          changes: { payment: { ...payment, status: 'CAPTURED' } },
          event: 'OrderPaymentCaptured',
          eventDetail: { authorizationId: payment.authorizationId },
        },
  );
  return { orderId: order.orderId, outcome: recorded ? 'applied' : 'already-applied' };
}

/** Compensation: refund a captured payment in full. Does nothing when nothing was captured. */
export async function refundPayment(deps: SagaDependencies, input: SagaStepInput): Promise<SagaStepOutput> {
  const { value: order } = await loadSagaOrder(deps.ctx, input.orderId);
  const payment = order.payment;
  if (payment?.status !== 'CAPTURED') {
    return {
      orderId: order.orderId,
      outcome: payment?.status === 'REFUNDED' ? 'already-applied' : 'skipped',
    };
  }
  const amountMinor = payment.amountMinor;
  await deps.payments.refund({
    idempotencyKey: stepKey(order.orderId, 'refund'),
    authorizationId: payment.authorizationId,
    amountMinor,
  });
  const recorded = await recordOnOrder(deps.ctx, order.orderId, (current) =>
    current.payment?.status !== 'CAPTURED'
      ? undefined
      : {
          entry: 'PAYMENT_REFUNDED',
          changes: { payment: { ...current.payment, status: 'REFUNDED', refundedMinor: amountMinor } },
          event: 'OrderPaymentRefunded',
          eventDetail: { amountMinor },
        },
  );
  return {
    orderId: order.orderId,
    outcome: recorded ? 'applied' : 'already-applied',
    refundedMinor: amountMinor,
  };
}
