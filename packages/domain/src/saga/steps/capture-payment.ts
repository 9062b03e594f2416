import { advance } from '../../orders/order';
import { orderEvent } from '../../orders/order-events';
import { nowIso, withConflictRetry } from '../../shared/context';
import { MeridianError } from '../../shared/errors';
import { orderWrite } from '../../store/repositories';
import {
  assertNotCancelled,
  loadSagaOrder,
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
  const { ctx, payments } = deps;
  const { value: order } = await loadSagaOrder(ctx, input.orderId);
  if (order.payment?.status === 'CAPTURED') return { orderId: order.orderId, outcome: 'already-applied' };
  assertNotCancelled(order);
  if (order.payment?.status !== 'AUTHORIZED') throw new PaymentNotAuthorizedError(order.orderId);
  const payment = order.payment;
  await payments.capture({
    idempotencyKey: stepKey(order.orderId, 'capture'),
    authorizationId: payment.authorizationId,
    amountMinor: payment.amountMinor,
  });
  return withConflictRetry(async () => {
    const { value: current, version } = await loadSagaOrder(ctx, input.orderId);
    if (current.payment?.status === 'CAPTURED')
      return { orderId: current.orderId, outcome: 'already-applied' };
    const next = advance(
      current,
      'PAYMENT_CAPTURED',
      { payment: { ...payment, status: 'CAPTURED' } },
      nowIso(ctx),
    );
    await ctx.store.transact(
      [orderWrite(next, version)],
      [orderEvent(ctx, 'OrderPaymentCaptured', next, { authorizationId: payment.authorizationId })],
    );
    return { orderId: current.orderId, outcome: 'applied' };
  });
}

/** Compensation: refund a captured payment in full. Does nothing when nothing was captured. */
export async function refundPayment(deps: SagaDependencies, input: SagaStepInput): Promise<SagaStepOutput> {
  const { ctx, payments } = deps;
  return withConflictRetry(async () => {
    const { value: order, version } = await loadSagaOrder(ctx, input.orderId);
    if (order.payment?.status !== 'CAPTURED') {
      return {
        orderId: order.orderId,
        outcome: order.payment?.status === 'REFUNDED' ? 'already-applied' : 'skipped',
      };
    }
    const amountMinor = order.payment.amountMinor;
    await payments.refund({
      idempotencyKey: stepKey(order.orderId, 'refund'),
      authorizationId: order.payment.authorizationId,
      amountMinor,
    });
    const next = advance(
      order,
      'PAYMENT_REFUNDED',
      { payment: { ...order.payment, status: 'REFUNDED', refundedMinor: amountMinor } },
      nowIso(ctx),
    );
    await ctx.store.transact(
      [orderWrite(next, version)],
      [orderEvent(ctx, 'OrderPaymentRefunded', next, { amountMinor })],
    );
    return { orderId: order.orderId, outcome: 'applied', refundedMinor: amountMinor };
  });
}
