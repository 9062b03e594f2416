import { describe, expect, it } from 'vitest';
import { requestFingerprint } from './request-fingerprint';

const body = {
  shippingAddress: {
    name: 'Ada Lovelace',
    line1: '12 Rue de l’Église',
    city: 'Paris',
    postalCode: '75001',
    country: 'FR',
  },
  paymentMethod: 'pm_card_visa',
  items: [
    { sku: 'SKU-2', quantity: 2 },
    { sku: 'SKU-10', quantity: 1 },
  ],
};

describe('requestFingerprint', () => {
  it('is the hash stored idempotency claims were made with', () => {
    // Claims live for a day in both regions: a new fingerprint for the same body would refuse a retry.
    expect(requestFingerprint(body)).toBe('D91QJL5EbiDJ1gEJPL3LkxmjqVpB5n0iq7oVg9kIFxI');
  });

  it('ignores key order and optional fields left undefined', () => {
    const reordered = {
      items: body.items,
      paymentMethod: body.paymentMethod,
      shippingAddress: body.shippingAddress,
      note: undefined,
    };
    expect(requestFingerprint(reordered)).toBe(requestFingerprint(body));
  });

  it('tells a different body apart', () => {
    expect(requestFingerprint({ ...body, items: [{ sku: 'SKU-2', quantity: 3 }] })).not.toBe(
      requestFingerprint(body),
    );
  });
});
