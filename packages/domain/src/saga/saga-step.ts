import type { StockTransferPort } from '../inventory/stock-transfer';
import type { Order } from '../orders/order';
import { OrderCancelledError, OrderNotFoundError } from '../orders/order';
import type { PaymentProvider } from '../payments/payment-provider';
import type { DomainContext } from '../shared/context';
import type { ShippingCarrier } from '../shipping/shipping-carrier';
import { loadOrder, type Versioned } from '../store/repositories';

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

/** Forward steps stop as soon as the customer has asked to cancel; the Catch then compensates. */
export function assertNotCancelled(order: Order): void {
  if (order.cancelRequested) throw new OrderCancelledError(order.orderId);
}

/** Provider idempotency keys: one per order and step, so a retried or replayed step never repeats an effect. */
export function stepKey(orderId: string, step: string): string {
  return `${orderId}:${step}`;
}
