import type { Order } from '../../orders/order';
import { TransientError } from '../../shared/errors';
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
import { findAuthorization, settleFromProvider, settlePayment } from './capture-payment';

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
  assertForward(order);
  if (order.payment) {
    if (order.payment.status === 'VOIDED' || order.payment.status === 'REFUNDED')
      throw undoneEffect(order, `payment was ${order.payment.status.toLowerCase()}`);
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

/**
 * Compensation: release an authorization that was never captured. Does nothing otherwise. The order's
 * record may be behind the provider when an answer was lost (a timeout, a crash before the write, a
 * cancel before the retry), so VoidPayment asks the provider (by the authorize step's key) when
 *  - the order records no authorization but AuthorizePayment may have run (the stock was reserved):
 *    an authorization the provider holds is voided and recorded;
 *  - the provider refuses the void: a capture it shows is refunded (under the refund step's key), a void
 *    or refund it already applied is recorded.
 */
export async function voidPayment(deps: SagaDependencies, input: SagaStepInput): Promise<SagaStepOutput> {
  const { value: order } = await beginCompensation(deps.ctx, input.orderId);
  const payment = order.payment;
  if (!payment) return voidUnrecordedAuthorization(deps, order);
  if (payment.status !== 'AUTHORIZED') {
    return { orderId: order.orderId, outcome: payment.status === 'VOIDED' ? 'already-applied' : 'skipped' };
  }
  try {
    await deps.payments.void({
      idempotencyKey: stepKey(order.orderId, 'void'),
      authorizationId: payment.authorizationId,
    });
  } catch (error) {
    if (error instanceof TransientError) throw error;
    const settled = await settleFromProvider(deps, order.orderId);
    if (!settled) throw error;
    return settled;
  }
  return recordVoided(deps, order.orderId, payment.authorizationId, payment.amountMinor);
}

async function voidUnrecordedAuthorization(deps: SagaDependencies, order: Order): Promise<SagaStepOutput> {
  // AuthorizePayment runs only once the stock is reserved: before that no authorization can exist.
  if (order.inventory === 'NONE') return { orderId: order.orderId, outcome: 'skipped' };
  const found = await findAuthorization(deps, order.orderId);
  if (!found) return { orderId: order.orderId, outcome: 'skipped' };
  if (found.status !== 'authorized') {
    return (
      (await settlePayment(deps, order.orderId, found)) ?? { orderId: order.orderId, outcome: 'skipped' }
    );
  }
  await deps.payments.void({
    idempotencyKey: stepKey(order.orderId, 'void'),
    authorizationId: found.authorizationId,
  });
  return recordVoided(deps, order.orderId, found.authorizationId, found.amountMinor);
}

async function recordVoided(
  deps: SagaDependencies,
  orderId: string,
  authorizationId: string,
  amountMinor: number,
): Promise<SagaStepOutput> {
  const recorded = await recordOnOrder(deps.ctx, orderId, (current) =>
    current.payment && current.payment.status !== 'AUTHORIZED'
      ? undefined
      : {
          entry: 'PAYMENT_VOIDED',
          changes: {
            payment: current.payment
              ? { ...current.payment, status: 'VOIDED' }
              : { authorizationId, status: 'VOIDED', amountMinor, refundedMinor: 0 },
          },
          event: 'OrderPaymentVoided',
        },
  );
  return { orderId, outcome: recorded ? 'applied' : 'already-applied' };
}
