import { beforeEach, describe, expect, it } from 'vitest';
import { cancelOrder } from '../../orders/cancel-order';
import { type Order, OrderCancelledError } from '../../orders/order';
import type { PaymentProvider } from '../../payments/payment-provider';
import type { DomainContext } from '../../shared/context';
import type { ShippingCarrier } from '../../shipping/shipping-carrier';
import { loadOrder } from '../../store/repositories';
import { inMemoryContext } from '../../testing/in-memory-item-store';
import { fixtureProduct, seedOrder as seedFixtureOrder } from '../../testing/order-fixtures';
import type { SagaDependencies } from '../saga-step';
import { authorizePayment, voidPayment } from './authorize-payment';
import { capturePayment, refundPayment } from './capture-payment';
import { cancelShipment, createShipment } from './create-shipment';

// A customer's cancel request is a concurrent write to the order. When it lands while a step's provider
// call is in flight, the step's conditional write fails, its retry sees `cancelRequested` and throws
// OrderCancelledError: the provider's effect is then recorded nowhere, so no compensation can undo it.
// These tests fail until a step records an effect it has already caused before honouring the cancel.

const product = fixtureProduct({ sku: 'SKU-1', name: 'Kettle', priceMinor: 2_500, category: 'kitchen' });

let ctx: DomainContext;
let calls: string[];
let deps: SagaDependencies;
/** Set per test: runs inside the provider call, before it returns. */
let whileInFlight: () => Promise<unknown>;

beforeEach(() => {
  ({ ctx } = inMemoryContext());
  calls = [];
  whileInFlight = async () => {};
  const result = (authorizationId: string, status: 'authorized' | 'captured' | 'voided' | 'refunded') => ({
    authorizationId,
    operationId: `op_${calls.length}`,
    status,
    amountMinor: 5_000,
    currency: 'USD',
  });
  const payments: PaymentProvider = {
    authorize: async () => {
      calls.push('authorize');
      await whileInFlight();
      return result('auth_1', 'authorized');
    },
    capture: async (request) => {
      calls.push('capture');
      await whileInFlight();
      return result(request.authorizationId, 'captured');
    },
    void: async (request) => {
      calls.push(`void ${request.authorizationId}`);
      return result(request.authorizationId, 'voided');
    },
    refund: async (request) => {
      calls.push(`refund ${request.authorizationId}`);
      return result(request.authorizationId, 'refunded');
    },
    findAuthorization: async () => undefined,
    listAuthorizations: async () => [],
    listLedger: async () => ({ entries: [], hasMore: false }),
  };
  const carrier: ShippingCarrier = {
    createShipment: async () => {
      calls.push('createShipment');
      await whileInFlight();
      return { shipmentId: 'shp_1', carrier: 'LocalPost', trackingNumber: 'TRK-1' };
    },
    cancelShipment: async (request) => {
      calls.push(`cancelShipment ${request.shipmentId}`);
    },
    findShipment: async () => undefined,
  };
  deps = { ctx, payments, carrier };
});

async function seedOrder(changes: Partial<Order> = {}): Promise<Order> {
  const order = await seedFixtureOrder(ctx, { product, quantity: 2 }, changes);
  whileInFlight = () => cancelOrder(ctx, { startOrderSaga: async () => {} }, { orderId: order.orderId });
  return order;
}

async function reload(orderId: string): Promise<Order | undefined> {
  return (await loadOrder(ctx.store, orderId))?.value;
}

describe('a cancel request landing while a provider call is in flight', () => {
  it('still records the authorization, so VoidPayment releases the hold on the card', async () => {
    const order = await seedOrder();

    await authorizePayment(deps, { orderId: order.orderId }).catch(() => undefined);
    await expect(createShipment(deps, { orderId: order.orderId })).rejects.toThrow(OrderCancelledError);
    await voidPayment(deps, { orderId: order.orderId });

    expect((await reload(order.orderId))?.cancelRequested).toBe(true);
    expect(calls).toEqual(['authorize', 'void auth_1']);
  });

  it('still records the booked shipment, so CancelShipment cancels it', async () => {
    const order = await seedOrder({
      payment: { authorizationId: 'auth_1', status: 'AUTHORIZED', amountMinor: 5_000, refundedMinor: 0 },
    });

    await createShipment(deps, { orderId: order.orderId }).catch(() => undefined);
    await cancelShipment(deps, { orderId: order.orderId });

    expect(calls).toEqual(['createShipment', 'cancelShipment shp_1']);
  });

  it('still records the capture, so the money is refunded rather than a captured payment voided', async () => {
    const order = await seedOrder({
      payment: { authorizationId: 'auth_1', status: 'AUTHORIZED', amountMinor: 5_000, refundedMinor: 0 },
    });

    await capturePayment(deps, { orderId: order.orderId }).catch(() => undefined);
    await refundPayment(deps, { orderId: order.orderId });
    await voidPayment(deps, { orderId: order.orderId });

    expect(calls).toEqual(['capture', 'refund auth_1']);
  });
});
