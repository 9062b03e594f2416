import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Product } from '../catalog/product';
import {
  advance,
  createOrder,
  FLAT_SHIPPING_MINOR,
  FREE_SHIPPING_FROM_MINOR,
  InvalidOrderError,
  isTerminal,
  MAX_LINES_PER_ORDER,
  MAX_QUANTITY_PER_LINE,
  type NewOrderInput,
  newOrderId,
  regionOfOrderId,
} from './order';

const NOW = '2025-01-01T00:00:00.000Z';

function product(sku: string, priceMinor: number, overrides: Partial<Product> = {}): Product {
  return {
    sku,
    name: `Product ${sku}`,
    description: '',
    priceMinor,
    currency: 'USD',
    active: true,
    category: 'test',
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

function catalog(...products: Product[]): Map<string, Product> {
  return new Map(products.map((p) => [p.sku, p]));
}

function input(items: NewOrderInput['items']): NewOrderInput {
  return {
    orderId: 'ord_01TEST_us-east-1',
    region: 'us-east-1',
    customerId: 'cust-1',
    items,
    shippingAddress: { name: 'A', line1: '1 Main St', city: 'Town', postalCode: '12345', country: 'US' },
    paymentMethod: 'pm_card_visa',
    now: NOW,
  };
}

/** 1..50 lines of distinct SKUs; worst case 50 × 100 × 200,000 stays exactly at the maximum order value. */
const orderLines = fc.uniqueArray(
  fc.record({
    sku: fc.stringMatching(/^[A-Z0-9-]{1,12}$/),
    priceMinor: fc.integer({ min: 0, max: 200_000 }),
    quantity: fc.integer({ min: 1, max: MAX_QUANTITY_PER_LINE }),
  }),
  { minLength: 1, maxLength: MAX_LINES_PER_ORDER, selector: (line) => line.sku },
);

describe('createOrder totals', () => {
  it('prices every valid order exactly: line = unit × qty, total = Σ lines + shipping', () => {
    fc.assert(
      fc.property(orderLines, (lines) => {
        const products = catalog(...lines.map((line) => product(line.sku, line.priceMinor)));

        const order = createOrder(input(lines.map(({ sku, quantity }) => ({ sku, quantity }))), products);

        const expectedSubtotal = lines.reduce((sum, line) => sum + line.priceMinor * line.quantity, 0);
        expect(
          order.lines.map((line) => [line.sku, line.unitPriceMinor, line.quantity, line.lineTotalMinor]),
        ).toEqual(
          lines.map((line) => [line.sku, line.priceMinor, line.quantity, line.priceMinor * line.quantity]),
        );
        expect(order.subtotalMinor).toBe(expectedSubtotal);
        expect(order.shippingMinor).toBe(
          expectedSubtotal >= FREE_SHIPPING_FROM_MINOR ? 0 : FLAT_SHIPPING_MINOR,
        );
        expect(order.totalMinor).toBe(
          order.lines.reduce((sum, line) => sum + line.lineTotalMinor, 0) + order.shippingMinor,
        );
        expect(Number.isSafeInteger(order.totalMinor)).toBe(true);
      }),
    );
  });

  it('charges flat shipping just below the free-shipping threshold and none from it', () => {
    const below = createOrder(
      input([{ sku: 'A', quantity: 1 }]),
      catalog(product('A', FREE_SHIPPING_FROM_MINOR - 1)),
    );
    const at = createOrder(
      input([{ sku: 'A', quantity: 1 }]),
      catalog(product('A', FREE_SHIPPING_FROM_MINOR)),
    );

    expect([below.shippingMinor, below.totalMinor]).toEqual([
      FLAT_SHIPPING_MINOR,
      FREE_SHIPPING_FROM_MINOR - 1 + FLAT_SHIPPING_MINOR,
    ]);
    expect([at.shippingMinor, at.totalMinor]).toEqual([0, FREE_SHIPPING_FROM_MINOR]);
  });

  it('prices from the catalog and opens the order PENDING with nothing reserved', () => {
    const order = createOrder(
      input([{ sku: 'A', quantity: 2 }]),
      catalog(product('A', 1_250, { currency: 'EUR' })),
    );

    expect(order).toMatchObject({
      status: 'PENDING',
      cancelRequested: false,
      inventory: 'NONE',
      currency: 'EUR',
      lines: [{ sku: 'A', name: 'Product A', unitPriceMinor: 1_250, quantity: 2, lineTotalMinor: 2_500 }],
      timeline: [{ type: 'PLACED', at: NOW }],
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(order.payment).toBeUndefined();
    expect(order.shipment).toBeUndefined();
  });
});

describe('createOrder validation', () => {
  const products = catalog(product('A', 100), product('B', 100), product('EUR', 100, { currency: 'EUR' }));

  it.each([
    ['no items', []],
    [
      'too many lines',
      Array.from({ length: MAX_LINES_PER_ORDER + 1 }, (_, i) => ({ sku: `S${i}`, quantity: 1 })),
    ],
    [
      'a repeated SKU',
      [
        { sku: 'A', quantity: 1 },
        { sku: 'A', quantity: 2 },
      ],
    ],
    ['a zero quantity', [{ sku: 'A', quantity: 0 }]],
    ['a quantity above the maximum', [{ sku: 'A', quantity: MAX_QUANTITY_PER_LINE + 1 }]],
    ['a fractional quantity', [{ sku: 'A', quantity: 1.5 }]],
    ['an unknown SKU', [{ sku: 'NOPE', quantity: 1 }]],
    [
      'mixed currencies',
      [
        { sku: 'A', quantity: 1 },
        { sku: 'EUR', quantity: 1 },
      ],
    ],
  ])('refuses %s', (_, items) => {
    expect(() => createOrder(input(items), products)).toThrow(InvalidOrderError);
  });

  it('refuses an inactive product', () => {
    expect(() =>
      createOrder(input([{ sku: 'OLD', quantity: 1 }]), catalog(product('OLD', 100, { active: false }))),
    ).toThrow(/Unknown or unavailable SKU: OLD/);
  });
});

describe('advance', () => {
  it('returns a changed copy with one more timeline entry and leaves the original alone', () => {
    const order = createOrder(input([{ sku: 'A', quantity: 1 }]), catalog(product('A', 100)));
    const snapshot = structuredClone(order);
    const later = '2025-01-01T00:01:00.000Z';

    const next = advance(order, 'FAILED', { status: 'FAILED' }, later, 'why');

    expect(order).toEqual(snapshot);
    expect(next.status).toBe('FAILED');
    expect(next.updatedAt).toBe(later);
    expect(next.timeline).toEqual([...order.timeline, { type: 'FAILED', at: later, detail: 'why' }]);
    expect(advance(order, 'CONFIRMED', {}, later).timeline.at(-1)).toEqual({ type: 'CONFIRMED', at: later });
  });
});

describe('order ids', () => {
  it('carry the owning region, for any region name and ULID-like id', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{2}-[a-z]+-[0-9]$/),
        fc.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
        (region, id) => {
          expect(regionOfOrderId(newOrderId(region, id))).toBe(region);
        },
      ),
    );
  });

  it('yield no region for something that is not an order id', () => {
    expect(regionOfOrderId('ord_ABC')).toBeUndefined();
    expect(regionOfOrderId('xyz_ABC_us-east-1')).toBeUndefined();
  });

  it('know which statuses are terminal', () => {
    const statuses = ['PENDING', 'CONFIRMED', 'FAILED', 'CANCELLED'] as const;
    expect(statuses.map((status) => isTerminal({ status }))).toEqual([false, true, true, true]);
  });
});
