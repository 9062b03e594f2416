import type { Order } from '../api/types';
import { formatMoney } from '../ui/format';

/** What a closed (or closing) order means for the customer's money, parcel and items, in words. */
export interface OrderOutcome {
  /** The order kept instead of this one, when two regions accepted one checkout. */
  duplicateOf: string | undefined;
  duplicateText: string | undefined;
  returnText: string | undefined;
  /** What is still owed (refund, release of the card hold, …): retried until done. */
  pending: string[];
  pendingSince: string | undefined;
  settledAt: string | undefined;
  /** Said only when nothing about the payment is pending. */
  chargeText: string | undefined;
  stockText: string | undefined;
}

const closed = (order: Order) => order.status === 'FAILED' || order.status === 'CANCELLED';

/** Whether the order page has anything to say about the outcome (closed orders and duplicates). */
export function hasOutcome(order: Order): boolean {
  return closed(order) || order.duplicateOf !== undefined;
}

function pendingTexts(order: Order, owed: readonly string[]): string[] {
  const money = (minor: number) => formatMoney(minor, order.currency);
  const refund = owed.includes('refundPayment');
  const release = owed.includes('voidPayment');
  const texts: string[] = [];
  const payment = order.payment;
  if (refund && release) {
    // Both are owed when the provider could not be asked at all: whether a charge landed is not known yet.
    texts.push(
      'Returning your payment is pending: any charge is refunded and any hold on your card is released automatically.',
    );
  } else if (refund) {
    const amount =
      payment?.status === 'CAPTURED' ? ` of ${money(payment.amountMinor - payment.refundedMinor)}` : '';
    texts.push(`Your refund${amount} is pending: it is made automatically.`);
  } else if (release) {
    texts.push('Releasing the hold on your card is pending: it happens automatically.');
  }
  if (owed.includes('cancelShipment')) texts.push('Cancelling the shipment with the carrier is pending.');
  if (owed.includes('releaseInventory')) texts.push('Putting the items back on sale is pending.');
  return texts;
}

/**
 * Never claims money back or a hold released while it is still owed: "not been charged" and "refunded"
 * are said only once nothing about the payment is pending, and only when the payment record shows it.
 */
function chargeText(order: Order, paymentPending: boolean): string | undefined {
  if (paymentPending) return undefined;
  const payment = order.payment;
  if (payment && payment.refundedMinor > 0 && payment.refundedMinor >= payment.amountMinor)
    return `${formatMoney(payment.refundedMinor, order.currency)} was refunded to your card.`;
  if (!payment || payment.status === 'VOIDED') {
    // The carrier's refusal already says so; say it once.
    return /not been charged/i.test(order.failureReason ?? '') ? undefined : 'You have not been charged.';
  }
  // Captured and not (fully) refunded, or still authorized, with nothing owed: claim nothing.
  return undefined;
}

const CLAIMS_PAYMENT_RETURNED = /not been charged|been released|been refunded/i;
const CLAIMS_PENDING = /\bpending\b/i;

/**
 * A failure reason as the page may show it now. Reasons are written when the order closes and some speak
 * of the money ("You have not been charged.", "Releasing any payment it holds is pending"): a sentence
 * claiming the payment returned is left out while a refund or release is owed, and one saying something is
 * pending is left out while the payment is not (the outcome beside it says what is owed, in its own words).
 */
export function displayedReason(order: Pick<Order, 'settlement'>, reason: string): string {
  const owed = order.settlement?.status === 'PENDING' ? order.settlement.owed : [];
  const paymentOwed = owed.includes('refundPayment') || owed.includes('voidPayment');
  const stale = paymentOwed ? CLAIMS_PAYMENT_RETURNED : CLAIMS_PENDING;
  const kept = reason.split(/(?<=[.!?])\s+/).filter((sentence) => !stale.test(sentence));
  return kept.length > 0 ? kept.join(' ') : 'the order could not be completed.';
}

export function orderOutcome(order: Order): OrderOutcome {
  const settlement = order.settlement;
  const owed = settlement?.status === 'PENDING' ? settlement.owed : [];
  const paymentPending = owed.includes('refundPayment') || owed.includes('voidPayment');
  const isClosed = closed(order);
  const shipment = order.shipment;
  return {
    duplicateOf: order.duplicateOf,
    duplicateText:
      order.duplicateOf === undefined
        ? undefined
        : isClosed
          ? 'which you keep (the same checkout reached two of our regions); this one was cancelled.'
          : 'which you keep (the same checkout reached two of our regions); this one is being cancelled, and any payment for it is returned.',
    returnText:
      shipment?.status === 'RETURN_REQUESTED'
        ? `Your parcel had already left when this order was cancelled: please send it back when it arrives (${shipment.carrier}, tracking ${shipment.trackingNumber}).`
        : undefined,
    pending: pendingTexts(order, owed),
    pendingSince: owed.length > 0 ? settlement?.since : undefined,
    settledAt: settlement?.status === 'SETTLED' ? settlement.settledAt : undefined,
    chargeText: isClosed ? chargeText(order, paymentPending) : undefined,
    stockText:
      isClosed &&
      !owed.includes('releaseInventory') &&
      (order.inventory === 'RELEASED' || order.inventory === 'RESTORED')
        ? 'The items are back in stock.'
        : undefined,
  };
}

/** A short tag for lists ("My orders"): what a closed order still owes, if anything. */
export function pendingTag(order: Pick<Order, 'settlement'>): string | undefined {
  const settlement = order.settlement;
  if (settlement?.status !== 'PENDING') return undefined;
  const refund = settlement.owed.includes('refundPayment');
  const release = settlement.owed.includes('voidPayment');
  if (refund && release) return 'payment return pending';
  if (refund) return 'refund pending';
  if (release) return 'card hold release pending';
  return 'settlement pending';
}
