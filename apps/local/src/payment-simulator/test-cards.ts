/** Stripe-style test payment methods; each name fixes the simulator's answer. */
export const TEST_PAYMENT_METHODS = [
  'pm_card_visa',
  'pm_card_mastercard',
  'pm_card_chargeDeclined',
  'pm_card_chargeDeclinedInsufficientFunds',
  'pm_card_chargeDeclinedExpiredCard',
  'pm_card_transientFailure',
] as const;

export type TestPaymentMethod = (typeof TEST_PAYMENT_METHODS)[number];

export type TestCardBehaviour =
  | { kind: 'succeed' }
  | { kind: 'decline'; code: 'card_declined' | 'expired_card'; declineCode: string; message: string }
  | { kind: 'transient'; failingAttempts: number };

export const TEST_CARDS: Record<TestPaymentMethod, TestCardBehaviour> = {
  pm_card_visa: { kind: 'succeed' },
  pm_card_mastercard: { kind: 'succeed' },
  pm_card_chargeDeclined: {
    kind: 'decline',
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    kind: 'decline',
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  pm_card_chargeDeclinedExpiredCard: {
    kind: 'decline',
    code: 'expired_card',
    declineCode: 'expired_card',
    message: 'Your card has expired.',
  },
  // Two failures then success lets tests drive the saga's retry-with-backoff deterministically.
  pm_card_transientFailure: { kind: 'transient', failingAttempts: 2 },
};
