import type { AuthorizationState } from '../../payments/payment-provider';
import { MeridianError } from '../../shared/errors';
import {
  assertForward,
  assertNotCancelled,
  beginCompensation,
  loadSagaOrder,
  recordOnOrder,
  type SagaDependencies,
  type SagaStepInput,
  type SagaStepOutput,
  stepKey,
  undoneEffect,
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
  assertForward(order);
  if (order.payment?.status === 'CAPTURED') return { orderId: order.orderId, outcome: 'already-applied' };
  if (order.payment?.status === 'REFUNDED' || order.payment?.status === 'VOIDED')
    throw undoneEffect(order, `payment was ${order.payment.status.toLowerCase()}`);
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

/**
 * Compensation: refund a captured payment in full. Does nothing when nothing was captured. An order that
 * still shows the payment only AUTHORIZED may have been captured all the same, the answer lost (every
 * attempt timed out, the process died before the write, or a cancel came before the retry): once the
 * shipment exists (CapturePayment runs only then) the provider is asked, and a capture it holds is
 * refunded and recorded.
 */
export async function refundPayment(deps: SagaDependencies, input: SagaStepInput): Promise<SagaStepOutput> {
  const { value: order } = await beginCompensation(deps.ctx, input.orderId);
  const payment = order.payment;
  if (payment?.status === 'AUTHORIZED' && order.shipment) {
    return (await settleFromProvider(deps, order.orderId)) ?? { orderId: order.orderId, outcome: 'skipped' };
  }
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

/** The order's authorization as the provider holds it, found by the authorize step's idempotency key. */
export function findAuthorization(
  deps: SagaDependencies,
  orderId: string,
): Promise<AuthorizationState | undefined> {
  return deps.payments.findAuthorization({ idempotencyKey: stepKey(orderId, 'authorize') });
}

/** Looks the order's authorization up at the provider and settles it (see `settlePayment`). */
export async function settleFromProvider(
  deps: SagaDependencies,
  orderId: string,
): Promise<SagaStepOutput | undefined> {
  const found = await findAuthorization(deps, orderId);
  return found && settlePayment(deps, orderId, found);
}

/**
 * Brings an order whose record may be behind the provider in line with the provider's state of its
 * authorization (found by the authorize step's key): money still captured is refunded, under the refund
 * step's key so a repeat never refunds twice; a void or refund already applied is recorded. Resolves to
 * undefined when the provider shows it merely authorized, which is left to the caller (VoidPayment voids it).
 */
export async function settlePayment(
  deps: SagaDependencies,
  orderId: string,
  found: AuthorizationState,
): Promise<SagaStepOutput | undefined> {
  if (found.status === 'authorized') return undefined;
  let refundedMinor = found.refundedMinor;
  if (found.status === 'captured') {
    const amountMinor = found.capturedMinor - found.refundedMinor;
    await deps.payments.refund({
      idempotencyKey: stepKey(orderId, 'refund'),
      authorizationId: found.authorizationId,
      amountMinor,
    });
    refundedMinor = found.capturedMinor;
  }
  const status = found.status === 'voided' ? 'VOIDED' : 'REFUNDED';
  const recorded = await recordOnOrder(deps.ctx, orderId, (current) => {
    if (current.payment?.status === 'VOIDED' || current.payment?.status === 'REFUNDED') return undefined;
    const payment = {
      authorizationId: found.authorizationId,
      amountMinor: found.amountMinor,
      ...current.payment,
      status,
      refundedMinor,
    } as const;
    return status === 'VOIDED'
      ? {
          entry: 'PAYMENT_VOIDED',
          changes: { payment: { ...payment, refundedMinor: 0 } },
          event: 'OrderPaymentVoided',
        }
      : {
          entry: 'PAYMENT_REFUNDED',
          changes: { payment },
          event: 'OrderPaymentRefunded',
          eventDetail: { amountMinor: refundedMinor },
        };
  });
  return {
    orderId,
    outcome: recorded ? 'applied' : 'already-applied',
    ...(status === 'REFUNDED' ? { refundedMinor } : {}),
  };
}
