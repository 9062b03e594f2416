import type { Product } from '../catalog/product';
import { createOrder, type Order } from '../orders/order';
import type { PaymentProvider } from '../payments/payment-provider';
import type { DomainContext } from '../shared/context';
import type { ShippingCarrier } from '../shipping/shipping-carrier';
import { orderWrite } from '../store/repositories';

/** The fixed time of every fixture, so assertions on timestamps are stable. */
export const FIXTURE_TIME = '2025-01-01T00:00:00.000Z';

export function fixtureProduct(product: Pick<Product, 'sku' | 'priceMinor'> & Partial<Product>): Product {
  return {
    name: product.sku,
    description: '',
    currency: 'USD',
    active: true,
    category: 'c',
    createdAt: FIXTURE_TIME,
    updatedAt: FIXTURE_TIME,
    ...product,
  };
}

/**
 * Stores a PENDING order of one line in the context's region (customer `cust-1`, paid with pm_card_visa),
 * with any field overridden by `changes`, exactly as placeOrder would have written it.
 */
export async function seedOrder(
  ctx: DomainContext,
  line: { product: Product; quantity: number },
  changes: Partial<Order> = {},
): Promise<Order> {
  const order = {
    ...createOrder(
      {
        orderId: `ord_${ctx.ids.next()}_${ctx.region}`,
        region: ctx.region,
        customerId: 'cust-1',
        items: [{ sku: line.product.sku, quantity: line.quantity }],
        shippingAddress: {
          name: 'Ada',
          line1: '1 Main St',
          city: 'Town',
          postalCode: '12345',
          country: 'US',
        },
        paymentMethod: 'pm_card_visa',
        now: FIXTURE_TIME,
      },
      new Map([[line.product.sku, line.product]]),
    ),
    ...changes,
  };
  await ctx.store.transact([orderWrite(order, 'absent')]);
  return order;
}

/**
 * A payment provider and a carrier that fail every call, for steps that must never reach them;
 * `onCall` counts the calls that were made anyway.
 */
export function unreachableProviders(
  message: string,
  onCall: () => void = () => {},
): { payments: PaymentProvider; carrier: ShippingCarrier } {
  const refuse = async (): Promise<never> => {
    onCall();
    throw new Error(message);
  };
  return {
    payments: {
      authorize: refuse,
      capture: refuse,
      void: refuse,
      refund: refuse,
      findAuthorization: refuse,
      listAuthorizations: refuse,
      listLedger: refuse,
    },
    carrier: { createShipment: refuse, cancelShipment: refuse, findShipment: refuse },
  };
}
