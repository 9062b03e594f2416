import type { Order, Product } from '../api/types';

/** Test data shaped exactly like the API's answers (types from @meridian/contracts). */
export function product(overrides: Partial<Product> & { sku: string }): Product {
  const available = overrides.stock?.available ?? 10;
  return {
    name: overrides.sku,
    description: '',
    priceMinor: 1000,
    currency: 'USD',
    active: true,
    category: 'general',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    stock: {
      available,
      reserved: 0,
      sold: 0,
      byRegion: [{ sku: overrides.sku, region: 'us-east-1', available, reserved: 0, sold: 0 }],
    },
    ...overrides,
  };
}

export function order(overrides: Partial<Order> = {}): Order {
  return {
    orderId: 'ord_01TEST_us-east-1',
    region: 'us-east-1',
    customerId: 'alice',
    status: 'PENDING',
    cancelRequested: false,
    lines: [
      { sku: 'MUG-001', name: 'Meridian Mug', unitPriceMinor: 1450, quantity: 2, lineTotalMinor: 2900 },
    ],
    currency: 'USD',
    subtotalMinor: 2900,
    shippingMinor: 499,
    totalMinor: 3399,
    shippingAddress: {
      name: 'Alice',
      line1: '1 Main St',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    },
    paymentMethod: 'pm_card_visa',
    inventory: 'NONE',
    timeline: [{ type: 'PLACED', at: '2026-01-01T10:00:00.000Z' }],
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  };
}

/** An unsigned JWT with the claims the app reads (the API, not the app, verifies signatures). */
export function demoToken(claims: { sub: string; name?: string; groups?: string[]; exp?: number }): string {
  const encode = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return [
    encode({ alg: 'ES256', typ: 'JWT' }),
    encode({
      sub: claims.sub,
      name: claims.name ?? claims.sub,
      'cognito:groups': claims.groups ?? [],
      exp: claims.exp ?? Math.floor(Date.now() / 1000) + 3600,
    }),
    'signature',
  ].join('.');
}
