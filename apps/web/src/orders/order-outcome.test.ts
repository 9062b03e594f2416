import { describe, expect, it } from 'vitest';
import type { Order } from '../api/types';
import { order } from '../test-support/fixtures';
import { displayedReason, orderOutcome, pendingTag } from './order-outcome';

const since = '2026-01-01T10:00:05.000Z';
const captured: Order['payment'] = {
  authorizationId: 'auth_1',
  status: 'CAPTURED',
  amountMinor: 3399,
  refundedMinor: 0,
};
const authorized: Order['payment'] = { ...captured, status: 'AUTHORIZED' };

function owing(owed: NonNullable<Order['settlement']>['owed'], overrides: Partial<Order> = {}): Order {
  return order({
    status: 'CANCELLED',
    inventory: 'RESTORED',
    payment: captured,
    settlement: { status: 'PENDING', owed, since },
    ...overrides,
  });
}

describe('order outcome', () => {
  it('says a refund is pending, with its amount, and claims neither "not charged" nor "refunded"', () => {
    const outcome = orderOutcome(owing(['refundPayment']));

    expect(outcome.pending).toEqual(['Your refund of $33.99 is pending: it is made automatically.']);
    expect(outcome.pendingSince).toBe(since);
    expect(outcome.chargeText).toBeUndefined();
    expect(outcome.settledAt).toBeUndefined();
  });

  it('says the release of the card hold is pending, and not "not been charged", on a failed order', () => {
    const outcome = orderOutcome(
      owing(['voidPayment'], {
        status: 'FAILED',
        payment: authorized,
        failureReason: 'The carrier refused.',
      }),
    );

    expect(outcome.pending).toEqual([
      'Releasing the hold on your card is pending: it happens automatically.',
    ]);
    expect(outcome.chargeText).toBeUndefined();
  });

  it('owing both a refund and a void (the provider could not be asked) says one honest line, no amount', () => {
    const outcome = orderOutcome(owing(['refundPayment', 'voidPayment'], { payment: authorized }));

    expect(outcome.pending).toHaveLength(1);
    expect(outcome.pending[0]).toMatch(/any charge is refunded and any hold on your card is released/);
    expect(outcome.pending[0]).not.toMatch(/\$/);
  });

  it('does not say the items are back in stock while releasing them is owed', () => {
    const outcome = orderOutcome(
      owing(['releaseInventory'], { payment: { ...captured, refundedMinor: 3399 } }),
    );

    expect(outcome.pending).toEqual(['Putting the items back on sale is pending.']);
    expect(outcome.stockText).toBeUndefined();
    // Nothing about the payment is owed: the refund on record may be said.
    expect(outcome.chargeText).toBe('$33.99 was refunded to your card.');
  });

  it('once settled, says when, and what happened to the money', () => {
    const outcome = orderOutcome(
      order({
        status: 'FAILED',
        inventory: 'RELEASED',
        payment: { ...captured, status: 'REFUNDED', refundedMinor: 3399 },
        settlement: { status: 'SETTLED', owed: [], since, settledAt: '2026-01-01T10:02:00.000Z' },
      }),
    );

    expect(outcome.pending).toEqual([]);
    expect(outcome.settledAt).toBe('2026-01-01T10:02:00.000Z');
    expect(outcome.chargeText).toBe('$33.99 was refunded to your card.');
    expect(outcome.stockText).toBe('The items are back in stock.');
  });

  it('claims nothing about a captured, unrefunded payment on a closed order that owes nothing', () => {
    expect(orderOutcome(order({ status: 'CANCELLED', payment: captured })).chargeText).toBeUndefined();
    expect(orderOutcome(order({ status: 'FAILED', payment: authorized })).chargeText).toBeUndefined();
    expect(orderOutcome(order({ status: 'FAILED' })).chargeText).toBe('You have not been charged.');
  });

  it('explains a duplicate order, while it is being cancelled and once it is', () => {
    const closing = orderOutcome(
      order({ status: 'CONFIRMED', cancelRequested: true, duplicateOf: 'ord_01KEPT_eu-west-1' }),
    );
    expect(closing.duplicateOf).toBe('ord_01KEPT_eu-west-1');
    expect(closing.duplicateText).toMatch(/this one is being cancelled/);
    expect(closing.chargeText).toBeUndefined();

    const closed = orderOutcome(
      order({
        status: 'CANCELLED',
        duplicateOf: 'ord_01KEPT_eu-west-1',
        payment: { ...captured, status: 'REFUNDED', refundedMinor: 3399 },
      }),
    );
    expect(closed.duplicateText).toMatch(/this one was cancelled/);
    expect(closed.chargeText).toBe('$33.99 was refunded to your card.');
  });

  it('asks for the parcel back when the order was cancelled after it left', () => {
    const outcome = orderOutcome(
      order({
        status: 'CANCELLED',
        shipment: {
          shipmentId: 'shp_1',
          carrier: 'UPS',
          trackingNumber: '1Z999',
          status: 'RETURN_REQUESTED',
        },
      }),
    );
    expect(outcome.returnText).toMatch(/please send it back .*UPS, tracking 1Z999/);
  });

  it('tags a closed order in lists by what it still owes', () => {
    expect(pendingTag(owing(['refundPayment']))).toBe('refund pending');
    expect(pendingTag(owing(['voidPayment']))).toBe('card hold release pending');
    expect(pendingTag(owing(['refundPayment', 'voidPayment']))).toBe('payment return pending');
    expect(pendingTag(owing(['cancelShipment']))).toBe('settlement pending');
    expect(pendingTag(order({ settlement: { status: 'SETTLED', owed: [], since } }))).toBeUndefined();
  });
});

describe('displayed failure reason', () => {
  const refusal = 'Sorry, we cannot ship to AQ yet. You have not been charged.';
  const technical =
    'We could not complete your order because of a technical problem. Releasing any payment it holds is pending and happens automatically; this page shows when it is done.';

  it('leaves out a claim that the payment came back while a refund or release is owed', () => {
    expect(displayedReason(owing(['voidPayment']), refusal)).toBe('Sorry, we cannot ship to AQ yet.');
    expect(displayedReason(owing(['refundPayment']), 'Done. Your payment has been refunded.')).toBe('Done.');
    expect(displayedReason(owing(['voidPayment']), technical)).toBe(technical);
  });

  it('leaves out "pending" once the payment owes nothing, and keeps readable reasons as they are', () => {
    const settled = order({ settlement: { status: 'SETTLED', owed: [], since, settledAt: since } });
    expect(displayedReason(settled, technical)).toBe(
      'We could not complete your order because of a technical problem.',
    );
    expect(displayedReason(owing(['releaseInventory']), technical)).toBe(
      'We could not complete your order because of a technical problem.',
    );
    expect(displayedReason(settled, refusal)).toBe(refusal);
    expect(displayedReason(order(), 'Your card was declined.')).toBe('Your card was declined.');
  });
});
