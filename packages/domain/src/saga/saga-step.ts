import type { OrderEventType } from '@meridian/contracts';
import type { StockTransferPort } from '../inventory/stock-transfer';
import {
  advance,
  type Order,
  OrderCancelledError,
  OrderClosedError,
  OrderCompensatingError,
  OrderNotFoundError,
  type TimelineEntryType,
} from '../orders/order';
import { orderEvent } from '../orders/order-events';
import type { PaymentProvider } from '../payments/payment-provider';
import { type DomainContext, nowIso, withConflictRetry } from '../shared/context';
import type { ShippingCarrier } from '../shipping/shipping-carrier';
import { loadOrder, orderWrite, type Versioned } from '../store/repositories';

/** What every saga step receives: the domain context and the providers it may call. */
export interface SagaDependencies {
  ctx: DomainContext;
  payments: PaymentProvider;
  carrier: ShippingCarrier;
  /** Asks peer regions for stock when this region's allotment runs short; absent with a single region. */
  stock?: StockTransferPort;
}

/** The Task input the state machine passes (see statemachines/order-saga.asl.json). */
export interface SagaStepInput {
  orderId: string;
}

/** Output of every step: small, JSON, and the same when the step is replayed. */
export interface SagaStepOutput {
  orderId: string;
  /** `applied` when this call made the change; `already-applied` on a replay; `skipped` when nothing was to do. */
  outcome: 'applied' | 'already-applied' | 'skipped';
  [detail: string]: unknown;
}

export async function loadSagaOrder(ctx: DomainContext, orderId: string): Promise<Versioned<Order>> {
  const order = await loadOrder(ctx.store, orderId);
  if (!order) throw new OrderNotFoundError(orderId);
  return order;
}

/**
 * The first check of every forward step, before it even looks for its own effect: a closed order (an
 * execution resumed after a crash that came between closing the order and recording the execution's end)
 * or one whose compensation has begun (a crash while a compensation was retrying) is never taken forward
 * again. The step throws, and the Catch runs the compensations, which finish what is left to undo.
 */
export function assertForward(order: Order): void {
  assertOpen(order);
  if (order.compensation) throw new OrderCompensatingError(order.orderId);
}

/**
 * A forward step about to act (its effect is not there yet) also stops once the customer has asked to
 * cancel; the Catch then compensates.
 */
export function assertNotCancelled(order: Order): void {
  assertForward(order);
  if (order.cancelRequested) throw new OrderCancelledError(order.orderId);
}

/** The closed-order half of `assertForward`. */
export function assertOpen(order: Order): void {
  if (order.status === 'FAILED' || order.status === 'CANCELLED') {
    throw new OrderClosedError(order.orderId, order.status);
  }
}

/**
 * A forward step found its effect undone (a voided authorization, a cancelled shipment, released stock):
 * that is a compensation's work, never something to report as already applied.
 */
export function undoneEffect(order: Order, what: string): OrderCompensatingError {
  return new OrderCompensatingError(order.orderId, `its ${what}`);
}

/**
 * The first thing every compensation does: records on the order, once, that its compensation has begun,
 * so that nothing runs it forward again (see `assertForward`). Resolves to the order as it is then.
 */
export async function beginCompensation(ctx: DomainContext, orderId: string): Promise<Versioned<Order>> {
  return withConflictRetry(async () => {
    const current = await loadSagaOrder(ctx, orderId);
    if (current.value.compensation) return current;
    const now = nowIso(ctx);
    const next: Order = { ...current.value, compensation: { startedAt: now }, updatedAt: now };
    await ctx.store.transact([orderWrite(next, current.version)]);
    return { value: next, version: current.version + 1 };
  });
}

/** Provider idempotency keys: one per order and step, so a retried or replayed step never repeats an effect. */
export function stepKey(orderId: string, step: string): string {
  return `${orderId}:${step}`;
}

/** The change a step records on the order: its timeline entry, the new fields and the event announcing it. */
export interface OrderChange {
  entry: TimelineEntryType;
  changes: Partial<Order>;
  event: OrderEventType;
  eventDetail?: Record<string, unknown>;
  timelineDetail?: string;
}

/**
 * Records an effect that already happened outside (a provider call) on the freshly read order, again
 * from the read when another writer got there first. `change` returns undefined when the order already
 * shows the effect (a replayed step). Resolves to whether this call recorded it.
 */
export async function recordOnOrder(
  ctx: DomainContext,
  orderId: string,
  change: (order: Order) => OrderChange | undefined,
): Promise<boolean> {
  return withConflictRetry(async () => {
    const { value: order, version } = await loadSagaOrder(ctx, orderId);
    const next = change(order);
    if (!next) return false;
    const updated = advance(order, next.entry, next.changes, nowIso(ctx), next.timelineDetail);
    await ctx.store.transact(
      [orderWrite(updated, version)],
      [orderEvent(ctx, next.event, updated, next.eventDetail ?? {})],
    );
    return true;
  });
}
