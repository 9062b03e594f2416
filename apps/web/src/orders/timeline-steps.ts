import type { CompensationStep, Order, OrderStatus, TimelineEntry } from '../api/types';

const LABELS: Record<string, string> = {
  PLACED: 'Order placed',
  INVENTORY_RESERVED: 'Stock reserved',
  PAYMENT_AUTHORIZED: 'Payment authorized',
  SHIPMENT_CREATED: 'Shipment booked with the carrier',
  PAYMENT_CAPTURED: 'Payment captured',
  CONFIRMED: 'Order confirmed',
  CANCEL_REQUESTED: 'Cancellation requested',
  SHIPPED: 'Handed to the carrier',
  PAYMENT_REFUNDED: 'Payment refunded',
  SHIPMENT_CANCELLED: 'Shipment cancelled',
  PAYMENT_VOIDED: 'Payment authorization voided',
  INVENTORY_RELEASED: 'Reserved stock released',
  FAILED: 'Order failed',
  CANCELLED: 'Order cancelled',
  SETTLED: 'Everything owed was settled',
  RETURN_REQUESTED: 'Return requested (the parcel had already left)',
};

/** What a closed order still owes, as a step the customer waits for (the settlement sweep retries it). */
export const OWED_STEP_LABELS: Record<CompensationStep, string> = {
  refundPayment: 'Refund of the payment',
  cancelShipment: 'Cancellation of the shipment',
  voidPayment: 'Release of the hold on your card',
  releaseInventory: 'Release of the reserved stock',
};

/** The saga's forward path (statemachines/order-saga.asl.json); shown as "waiting" until each step happens. */
export const FORWARD_STEPS = [
  'PLACED',
  'INVENTORY_RESERVED',
  'PAYMENT_AUTHORIZED',
  'SHIPMENT_CREATED',
  'PAYMENT_CAPTURED',
  'CONFIRMED',
] as const;

const UNDO_STEPS = new Set([
  'PAYMENT_REFUNDED',
  'SHIPMENT_CANCELLED',
  'PAYMENT_VOIDED',
  'INVENTORY_RELEASED',
  'RETURN_REQUESTED',
]);
const END_BAD = new Set(['FAILED', 'CANCELLED']);

export function stepLabel(type: string): string {
  return LABELS[type] ?? type.charAt(0) + type.slice(1).toLowerCase().replace(/_/g, ' ');
}

export type StepKind = 'done' | 'undo' | 'failed' | 'waiting';

export interface TimelineStep {
  type: string;
  label: string;
  kind: StepKind;
  at: string | undefined;
  detail: string | undefined;
}

export function isFinal(order: Pick<Order, 'status' | 'cancelRequested'>): boolean {
  return (
    order.status === 'FAILED' ||
    order.status === 'CANCELLED' ||
    (order.status === 'CONFIRMED' && !order.cancelRequested)
  );
}

/** Closed, but a refund, release or cancellation is still owed (retried until it succeeds). */
export function isSettlementPending(order: Pick<Order, 'settlement'>): boolean {
  return order.settlement?.status === 'PENDING';
}

/** Nothing more will change: the order is final and owes nothing. The order page polls until then. */
export function isDone(order: Pick<Order, 'status' | 'cancelRequested' | 'settlement'>): boolean {
  return isFinal(order) && !isSettlementPending(order);
}

/** The API records what was settled as step names ("refundPayment, voidPayment"); say them in words. */
function settledDetail(detail: string | undefined): string | undefined {
  if (!detail) return detail;
  return detail
    .split(/,\s*/)
    .map((step) => (OWED_STEP_LABELS as Record<string, string | undefined>)[step]?.toLowerCase() ?? step)
    .join(', ');
}

/**
 * What happened, in order, followed (while the saga is still going forward) by the steps still to come.
 * Once a compensation shows up the forward path no longer applies, so nothing is predicted; a closed
 * order that still owes compensations shows each as waiting until it is settled.
 */
export function timelineSteps(
  timeline: readonly TimelineEntry[],
  status: OrderStatus,
  owed: readonly CompensationStep[] = [],
): TimelineStep[] {
  const happened: TimelineStep[] = timeline.map((entry) => ({
    type: entry.type,
    label: stepLabel(entry.type),
    kind: END_BAD.has(entry.type) ? 'failed' : UNDO_STEPS.has(entry.type) ? 'undo' : 'done',
    at: entry.at,
    detail: entry.type === 'SETTLED' ? settledDetail(entry.detail) : entry.detail,
  }));
  if (owed.length > 0 && END_BAD.has(status)) {
    return [
      ...happened,
      ...owed.map(
        (step): TimelineStep => ({
          type: step,
          label: OWED_STEP_LABELS[step],
          kind: 'waiting',
          at: undefined,
          detail: 'pending: retried automatically until it is done',
        }),
      ),
    ];
  }
  const goingForward = status === 'PENDING' && happened.every((step) => step.kind === 'done');
  if (!goingForward) return happened;
  const seen = new Set(timeline.map((entry) => entry.type));
  const waiting = FORWARD_STEPS.filter((type) => !seen.has(type)).map(
    (type): TimelineStep => ({
      type,
      label: stepLabel(type),
      kind: 'waiting',
      at: undefined,
      detail: undefined,
    }),
  );
  return [...happened, ...waiting];
}

export const STATUS_TEXT: Record<OrderStatus, string> = {
  PENDING: 'In progress',
  CONFIRMED: 'Confirmed',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
};
