import { advance } from '../../orders/order';
import { orderEvent } from '../../orders/order-events';
import { nowIso, withConflictRetry } from '../../shared/context';
import { orderWrite } from '../../store/repositories';
import {
  assertNotCancelled,
  loadSagaOrder,
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
  const { ctx, payments } = deps;
  const { value: order } = await loadSagaOrder(ctx, input.orderId);
  if (order.payment) {
    return {
      orderId: order.orderId,
      outcome: 'already-applied',
      authorizationId: order.payment.authorizationId,
    };
  }
  assertNotCancelled(order);
  const authorization = await payments.authorize({
    idempotencyKey: stepKey(order.orderId, 'authorize'),
    orderId: order.orderId,
    amountMinor: order.totalMinor,
    currency: order.currency,
    paymentMethod: order.paymentMethod,
  });
  return withConflictRetry(async () => {
    const { value: current, version } = await loadSagaOrder(ctx, input.orderId);
    if (current.payment) {
      return {
        orderId: current.orderId,
        outcome: 'already-applied',
        authorizationId: current.payment.authorizationId,
      };
    }
    const next = advance(
      current,
      'PAYMENT_AUTHORIZED',
      {
        payment: {
          authorizationId: authorization.authorizationId,
          status: 'AUTHORIZED',
          amountMinor: authorization.amountMinor,
          refundedMinor: 0,
        },
      },
      nowIso(ctx),
    );
    await ctx.store.transact(
      [orderWrite(next, version)],
      [orderEvent(ctx, 'OrderPaymentAuthorized', next, { authorizationId: authorization.authorizationId })],
    );
    return { orderId: current.orderId, outcome: 'applied', authorizationId: authorization.authorizationId };
  });
}

/** Compensation: release an authorization that was never captured. Does nothing otherwise. */
export async function voidPayment(deps: SagaDependencies, input: SagaStepInput): Promise<SagaStepOutput> {
  const { ctx, payments } = deps;
  return withConflictRetry(async () => {
    const { value: order, version } = await loadSagaOrder(ctx, input.orderId);
    if (order.payment?.status !== 'AUTHORIZED') {
      return {
        orderId: order.orderId,
        outcome: order.payment?.status === 'VOIDED' ? 'already-applied' : 'skipped',
      };
    }
    await payments.void({
      idempotencyKey: stepKey(order.orderId, 'void'),
      authorizationId: order.payment.authorizationId,
    });
    const next = advance(
      order,
      'PAYMENT_VOIDED',
      { payment: { ...order.payment, status: 'VOIDED' } },
      nowIso(ctx),
    );
    await ctx.store.transact([orderWrite(next, version)], [orderEvent(ctx, 'OrderPaymentVoided', next)]);
    return { orderId: order.orderId, outcome: 'applied' };
  });
}
