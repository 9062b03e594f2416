import type { Order } from '../orders/order';
import type { AuthorizationState, LedgerEntry } from '../payments/payment-provider';
import { recordOnOrder, type SagaDependencies, stepKey } from '../saga/saga-step';
import { loadOrder } from '../store/repositories';

/** Money the reconciler released at the provider. */
export interface ReconcileAction {
  orderId: string;
  authorizationId: string;
  action: 'voided' | 'refunded';
  amountMinor: number;
}

/** What checking one order against the provider found. */
export type OrderCheck =
  | { orderId: string; result: 'in-order' }
  | { orderId: string; result: 'fixed'; actions: ReconcileAction[] }
  /** The order is still being processed (its saga or its settlement owns it): looked at again later. */
  | { orderId: string; result: 'wait'; reason: string }
  /** Something is wrong that the reconciler may not or could not fix now: looked at again later. */
  | { orderId: string; result: 'unresolved'; reason: string; actions: ReconcileAction[] };

/**
 * Compares one order of this region with what the payment provider holds for it, and releases what a
 * closed order still holds: a live authorization is voided, a net capture refunded. A CONFIRMED order
 * keeps its one capture (the reconciler never captures: a confirmed order whose capture is missing is
 * reported, not fixed); any other authorization of it is released. An order still open, or whose
 * settlement is still owed, is left to the saga or the settlement sweep. `seen` are the ledger entries
 * that brought the order up: a confirmed order whose entries are only its own authorization and capture
 * needs no call to the provider.
 */
export async function checkOrder(
  deps: SagaDependencies,
  orderId: string,
  seen: readonly LedgerEntry[] = [],
): Promise<OrderCheck> {
  const loaded = await loadOrder(deps.ctx.store, orderId);
  if (!loaded) {
    return {
      orderId,
      result: 'unresolved',
      reason: 'the provider holds money for an order this region does not have',
      actions: [],
    };
  }
  const order = loaded.value;
  const closed = order.status === 'FAILED' || order.status === 'CANCELLED';
  const beingCancelled = order.status === 'CONFIRMED' && (order.cancelRequested || !!order.compensation);
  if (order.status === 'PENDING' || beingCancelled)
    return { orderId, result: 'wait', reason: 'the order is still being processed' };
  if (closed && order.settlement?.status === 'PENDING')
    return { orderId, result: 'wait', reason: `settlement still owes ${order.settlement.owed.join(', ')}` };
  if (!closed && onlyItsOwnCapture(order, seen)) return { orderId, result: 'in-order' };

  const actions: ReconcileAction[] = [];
  const problems: string[] = [];
  try {
    const authorizations = await deps.payments.listAuthorizations({ orderId });
    for (const found of authorizations) {
      if (!closed && found.authorizationId === order.payment?.authorizationId) {
        const net = found.capturedMinor - found.refundedMinor;
        if (found.status !== 'captured' || net !== order.payment.amountMinor)
          problems.push(
            `the order is CONFIRMED but the provider shows its payment ${found.status} (${net} of ${order.payment.amountMinor} captured)`,
          );
        continue;
      }
      const action = await release(deps, order, found);
      if (action) actions.push(action);
    }
    if (!closed && !authorizations.some((found) => found.authorizationId === order.payment?.authorizationId))
      problems.push('the order is CONFIRMED but the provider has no payment for it');
  } catch (error) {
    problems.push(`the provider could not be asked or did not release: ${describe(error)}`);
  }
  if (problems.length > 0) return { orderId, result: 'unresolved', reason: problems.join('; '), actions };
  return actions.length > 0 ? { orderId, result: 'fixed', actions } : { orderId, result: 'in-order' };
}

function onlyItsOwnCapture(order: Order, seen: readonly LedgerEntry[]): boolean {
  const payment = order.payment;
  return (
    seen.length > 0 &&
    payment?.status === 'CAPTURED' &&
    seen.every(
      (entry) =>
        entry.authorizationId === payment.authorizationId &&
        (entry.type === 'authorization' || entry.type === 'capture'),
    )
  );
}

/** Voids a live authorization or refunds what is still captured, and records it on the order. */
async function release(
  deps: SagaDependencies,
  order: Order,
  found: AuthorizationState,
): Promise<ReconcileAction | undefined> {
  const { orderId } = order;
  const net = found.capturedMinor - found.refundedMinor;
  let action: ReconcileAction;
  if (found.status === 'authorized') {
    // The void step's key: a void the saga already made is replayed, never made twice.
    await deps.payments.void({
      idempotencyKey: stepKey(orderId, 'void'),
      authorizationId: found.authorizationId,
    });
    action = {
      orderId,
      authorizationId: found.authorizationId,
      action: 'voided',
      amountMinor: found.amountMinor,
    };
  } else if (found.status === 'captured' && net > 0) {
    // Keyed by what was refunded before, so a repeat after a lost answer refunds nothing more.
    await deps.payments.refund({
      idempotencyKey: stepKey(orderId, `reconcile-refund-${found.refundedMinor}`),
      authorizationId: found.authorizationId,
      amountMinor: net,
    });
    action = { orderId, authorizationId: found.authorizationId, action: 'refunded', amountMinor: net };
  } else {
    return undefined;
  }
  await recordRelease(deps, order, found, action);
  return action;
}

async function recordRelease(
  deps: SagaDependencies,
  order: Order,
  found: AuthorizationState,
  action: ReconcileAction,
): Promise<void> {
  const detail = 'released by the payment reconciler';
  await recordOnOrder(deps.ctx, order.orderId, (current) => {
    const recorded = current.payment;
    // Another authorization than the order's own (not expected with idempotency keys) is released and
    // reported, but the order keeps its own payment record.
    if (recorded && recorded.authorizationId !== found.authorizationId) return undefined;
    const base = recorded ?? {
      authorizationId: found.authorizationId,
      amountMinor: found.amountMinor,
      refundedMinor: 0,
    };
    return action.action === 'voided'
      ? {
          entry: 'PAYMENT_VOIDED',
          changes: { payment: { ...base, status: 'VOIDED', refundedMinor: 0 } },
          event: 'OrderPaymentVoided',
          eventDetail: { reconciled: true },
          timelineDetail: detail,
        }
      : {
          entry: 'PAYMENT_REFUNDED',
          changes: { payment: { ...base, status: 'REFUNDED', refundedMinor: found.capturedMinor } },
          event: 'OrderPaymentRefunded',
          eventDetail: { amountMinor: action.amountMinor, reconciled: true },
          timelineDetail: detail,
        };
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
