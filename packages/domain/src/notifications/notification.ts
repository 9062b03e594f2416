import type { EventEnvelope, OrderEventDetail } from '@meridian/contracts';
import { formatMoney } from '../shared/money';

/** A message to a customer, rendered from one order event and kept in the notification outbox. */
export interface Notification {
  /** The id of the event it was rendered from: one notification per event, however often it is delivered. */
  notificationId: string;
  eventType: string;
  orderId: string;
  customerId: string;
  channel: 'email';
  recipient: string;
  subject: string;
  body: string;
  createdAt: string;
}

type Renderer = (detail: OrderEventDetail & Record<string, unknown>) => { subject: string; body: string };

const renderers: Record<string, Renderer> = {
  OrderPlaced: (d) => ({
    subject: `We received your order ${d.orderId}`,
    body: `Thank you! Your order of ${formatMoney(d.totalMinor, d.currency)} is being processed.`,
  }),
  OrderConfirmed: (d) => ({
    subject: `Order ${d.orderId} confirmed`,
    body: `Your payment of ${formatMoney(d.totalMinor, d.currency)} was captured and your order is being prepared for shipping.`,
  }),
  OrderShipped: (d) => ({
    subject: `Order ${d.orderId} has shipped`,
    body: `Your parcel is on its way with ${String(d.carrier)}, tracking number ${String(d.trackingNumber)}.`,
  }),
  OrderFailed: (d) => ({
    subject: `We could not complete order ${d.orderId}`,
    body: `${String(d.reason)}${pendingSentence(d)}`,
  }),
  OrderCancelled: (d) => ({
    subject: `Order ${d.orderId} cancelled`,
    body: cancelledBody(d),
  }),
  OrderSettled: (d) => ({
    subject: `Order ${d.orderId}: everything is settled`,
    body:
      Number(d.refundedMinor) > 0
        ? `The refund of ${formatMoney(Number(d.refundedMinor), d.currency)} has been made.`
        : 'Any hold on your card has been released. You have not been charged.',
  }),
  OrderReturnRequested: (d) => ({
    subject: `Order ${d.orderId}: please return the parcel`,
    body: `This order was cancelled after it had shipped with ${String(d.carrier)} (tracking ${String(d.trackingNumber)}). It has been refunded; please send the parcel back.`,
  }),
};

/** What a closing order still owes the customer, in words (settlement finishes it and says so). */
function pendingSentence(d: Record<string, unknown>): string {
  const owed = Array.isArray(d.owed) ? (d.owed as string[]) : [];
  if (owed.includes('refundPayment'))
    return ' Your refund is pending: it is made automatically, and we will tell you once it is done.';
  if (owed.includes('voidPayment'))
    return ' Releasing the hold on your card is pending: it happens automatically, and we will tell you once it is done.';
  return '';
}

/** A cancellation never claims a refund or release that is still pending (settlement finishes it). */
function cancelledBody(d: OrderEventDetail & Record<string, unknown>): string {
  const duplicate =
    typeof d.duplicateOf === 'string' ? ` It duplicated order ${d.duplicateOf}, which you keep.` : '';
  const pending = pendingSentence(d);
  if (pending) return `Your order was cancelled.${duplicate}${pending}`;
  return Number(d.refundedMinor) > 0
    ? `Your order was cancelled.${duplicate} ${formatMoney(Number(d.refundedMinor), d.currency)} was refunded.`
    : `Your order was cancelled.${duplicate} You have not been charged.`;
}

/** The order event types that notify the customer. */
export const NOTIFYING_EVENT_TYPES = Object.keys(renderers);

/** Renders the customer message for an order event, or undefined for events that notify nobody. */
export function renderNotification(event: EventEnvelope): Notification | undefined {
  const render = renderers[event['detail-type']];
  if (!render) return undefined;
  const detail = event.detail as OrderEventDetail & Record<string, unknown>;
  const { subject, body } = render(detail);
  return {
    notificationId: event.id,
    eventType: event['detail-type'],
    orderId: detail.orderId,
    customerId: detail.customerId,
    channel: 'email',
    recipient: `${detail.customerId}@customers.meridian.example`,
    subject,
    body,
    createdAt: event.time,
  };
}
