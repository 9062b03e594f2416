import { PLENTIFUL_SKUS } from './scenario';

/** The body of one POST /api/v1/orders, exactly as sent (retries send the very same body). */
export interface OrderBody {
  items: Array<{ sku: string; quantity: number }>;
  paymentMethod: string;
  shippingAddress: {
    name: string;
    line1: string;
    line2: string;
    city: string;
    postalCode: string;
    country: string;
  };
}

export interface OrderSpec {
  key: string;
  customer: string;
  body: OrderBody;
}

export const CUSTOMERS = ['alice', 'bob', 'carol'];

/** Prefix of shippingAddress.line2: it carries the Idempotency-Key, so any stored order maps back to its key. */
export const KEY_MARKER = 'chaos-key:';

/** mulberry32: a tiny seeded generator, so a run's order mix can be replayed from its printed seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * The order mix: mostly pm_card_visa, some declines, a few transient provider failures and a few orders
 * of the scarce SKU. Each order gets a unique Idempotency-Key, also written into the shipping address so
 * that duplicates (two orders for one key) can be found in the regions' stores.
 */
export class OrderMix {
  private readonly random: () => number;
  private sequence = 0;

  constructor(
    seed: number,
    private readonly runId: string,
    private readonly scarceSku: string,
  ) {
    this.random = seededRandom(seed);
  }

  next(clientIndex: number): OrderSpec {
    const index = this.sequence++;
    const key = `${this.runId}-${clientIndex}-${index}`;
    const roll = this.random();
    const plentiful = PLENTIFUL_SKUS[Math.floor(this.random() * PLENTIFUL_SKUS.length)] as string;
    const quantity = 1 + Math.floor(this.random() * 3);
    const [items, paymentMethod] =
      roll < 0.03
        ? [[{ sku: this.scarceSku, quantity: 1 }], 'pm_card_visa']
        : roll < 0.13
          ? [[{ sku: plentiful, quantity }], 'pm_card_chargeDeclined']
          : roll < 0.17
            ? [[{ sku: plentiful, quantity }], 'pm_card_transientFailure']
            : [[{ sku: plentiful, quantity }], 'pm_card_visa'];
    const customer = CUSTOMERS[index % CUSTOMERS.length] as string;
    return {
      key,
      customer,
      body: {
        items,
        paymentMethod,
        shippingAddress: {
          name: `Chaos ${customer}`,
          line1: '1 Failover Way',
          line2: `${KEY_MARKER}${key}`,
          city: 'Springfield',
          postalCode: '12345',
          country: 'US',
        },
      },
    };
  }
}
