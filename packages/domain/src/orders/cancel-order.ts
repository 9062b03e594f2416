import { type DomainContext, nowIso, withConflictRetry } from '../shared/context';
import { loadOrder, orderWrite } from '../store/repositories';
import { advance, type Order, OrderNotCancellableError, OrderNotFoundError } from './order';
import { orderEvent } from './order-events';
import { type OrderWorkflow, startSagaAfterCommit } from './order-workflow';

export interface CancelOrderInput {
  orderId: string;
  /** The customer asking; undefined for an admin, who may cancel any order. */
  customerId?: string;
  /** Why, when it is not the customer's own request (shown in the timeline). */
  reason?: string;
}

/**
 * Asks for an order to be cancelled before it ships. A PENDING order's running saga sees the request
 * at its next step and compensates; a CONFIRMED order gets a cancellation run of the saga (refund,
 * cancel shipment, put the stock back). Asking twice is harmless.
 */
export async function cancelOrder(
  ctx: DomainContext,
  workflow: OrderWorkflow,
  input: CancelOrderInput,
): Promise<Order> {
  const order = await withConflictRetry(async () => {
    const current = await loadOrder(ctx.store, input.orderId);
    if (!current || (input.customerId !== undefined && current.value.customerId !== input.customerId)) {
      throw new OrderNotFoundError(input.orderId);
    }
    const order = current.value;
    if (order.status === 'CANCELLED' || order.cancelRequested) return order;
    if (order.status === 'FAILED')
      throw new OrderNotCancellableError('This order already failed; there is nothing to cancel.');
    if (order.shipment?.status === 'SHIPPED') {
      throw new OrderNotCancellableError('This order has already shipped and can no longer be cancelled.');
    }
    if (order.region !== ctx.region) {
      throw new OrderNotCancellableError(
        `This order belongs to region ${order.region}; only that region can cancel it. Try again shortly.`,
      );
    }
    const next = advance(order, 'CANCEL_REQUESTED', { cancelRequested: true }, nowIso(ctx), input.reason);
    await ctx.store.transact(
      [orderWrite(next, current.version)],
      [orderEvent(ctx, 'OrderCancelRequested', next)],
    );
    return next;
  });
  // A confirmed order has no saga running any more: start the compensation run. PENDING ones stop themselves.
  // The request is committed: a start that fails does not fail it (its OrderCancelRequested event starts it).
  if (order.status === 'CONFIRMED' && order.cancelRequested)
    await startSagaAfterCommit(workflow, order.orderId, 'cancel');
  return order;
}
