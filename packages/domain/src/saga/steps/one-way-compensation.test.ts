import { beforeEach, describe, expect, it } from 'vitest';
import { type Order, OrderCompensatingError } from '../../orders/order';
import { markOrderShipped, OrderNotShippableError } from '../../orders/ship-order';
import type { DomainContext } from '../../shared/context';
import { TransientError } from '../../shared/errors';
import { allotmentWrite, loadOrder } from '../../store/repositories';
import { FakeCarrier } from '../../testing/fake-carrier';
import { FakePaymentProvider } from '../../testing/fake-payment-provider';
import { inMemoryContext } from '../../testing/in-memory-item-store';
import { fixtureProduct, seedOrder } from '../../testing/order-fixtures';
import type { SagaDependencies } from '../saga-step';
import { authorizePayment, voidPayment } from './authorize-payment';
import { capturePayment, refundPayment } from './capture-payment';
import { confirmOrder } from './confirm-order';
import { cancelShipment, createShipment } from './create-shipment';
import { reserveInventory } from './reserve-inventory';

/**
 * Compensation is one-way. The failure this guards against: capture fails, RefundPayment and
 * CancelShipment run (the shipment is CANCELLED), VoidPayment is retrying when the region is killed; the
 * execution resumed after the restart starts from the first state again, with a healthy provider. Before,
 * CreateShipment answered "already applied" for the cancelled shipment, the capture succeeded and the
 * order was CONFIRMED and charged with its shipment cancelled.
 */
const product = fixtureProduct({ sku: 'SKU-1', priceMinor: 2_500 });

let ctx: DomainContext;
let deps: SagaDependencies;
let payments: FakePaymentProvider;
let carrier: FakeCarrier;

beforeEach(async () => {
  ({ ctx } = inMemoryContext());
  payments = new FakePaymentProvider();
  carrier = new FakeCarrier();
  deps = { ctx, payments, carrier };
  await ctx.store.transact([
    allotmentWrite({ sku: 'SKU-1', region: ctx.region, available: 10, reserved: 0, sold: 0 }, 'absent'),
  ]);
});

/** Provider and carrier calls since the last reset. */
const calls = () => [...payments.calls, ...carrier.calls];
const resetCalls = () => {
  payments.calls.length = 0;
  carrier.calls.length = 0;
};

async function reload(orderId: string): Promise<Order> {
  const order = (await loadOrder(ctx.store, orderId))?.value;
  if (!order) throw new Error(`no order ${orderId}`);
  return order;
}

/** Forward up to the capture, then the capture fails for good and the compensation chain begins. */
async function compensationInterruptedAtVoid(): Promise<Order> {
  const order = await seedOrder(ctx, { product, quantity: 2 });
  await reserveInventory(deps, { orderId: order.orderId });
  await authorizePayment(deps, { orderId: order.orderId });
  await createShipment(deps, { orderId: order.orderId });
  payments.down = true;
  await expect(capturePayment(deps, { orderId: order.orderId })).rejects.toThrow(TransientError);
  payments.down = false;
  await refundPayment(deps, { orderId: order.orderId });
  await cancelShipment(deps, { orderId: order.orderId });
  payments.down = true;
  await expect(voidPayment(deps, { orderId: order.orderId })).rejects.toThrow(TransientError);
  // Killed here. The provider is healthy again when the region restarts.
  payments.down = false;
  resetCalls();
  return reload(order.orderId);
}

describe('an execution resumed after a crash during compensation', () => {
  it('is refused by every forward step, and nothing is captured or booked', async () => {
    const order = await compensationInterruptedAtVoid();
    expect(order.shipment?.status).toBe('CANCELLED');
    expect(order.compensation).toBeDefined();

    for (const step of [reserveInventory, authorizePayment, createShipment, capturePayment, confirmOrder]) {
      await expect(step(deps, { orderId: order.orderId })).rejects.toThrow(OrderCompensatingError);
    }

    expect(calls()).toEqual([]);
    const after = await reload(order.orderId);
    expect(after.status).toBe('PENDING');
    expect(after.payment?.status).toBe('AUTHORIZED');
    expect(after.shipment?.status).toBe('CANCELLED');
  });

  it('finishes the compensations its Catch leads to: the authorization is voided', async () => {
    const order = await compensationInterruptedAtVoid();

    await expect(reserveInventory(deps, { orderId: order.orderId })).rejects.toThrow(OrderCompensatingError);
    for (const compensation of [refundPayment, cancelShipment, voidPayment]) {
      await compensation(deps, { orderId: order.orderId });
    }

    // RefundPayment asks the provider (the order shows a shipment but no capture); nothing is captured.
    expect(calls()).toEqual([`find ${order.orderId}:authorize`, `void ${order.orderId}:void`]);
    expect(payments.of(order.orderId)).toMatchObject([{ status: 'voided', capturedMinor: 0 }]);
    expect((await reload(order.orderId)).payment?.status).toBe('VOIDED');
  });
});

describe('"already applied" looks at the state of what it finds', () => {
  it.each([
    [
      'a cancelled shipment is not a created one',
      { shipment: { shipmentId: 's', carrier: 'C', trackingNumber: 'T', status: 'CANCELLED' } },
      createShipment,
    ],
    [
      'a voided authorization is not an authorized payment',
      {
        inventory: 'RESERVED',
        payment: { authorizationId: 'a', status: 'VOIDED', amountMinor: 1, refundedMinor: 0 },
      },
      authorizePayment,
    ],
    [
      'a refunded payment is not a captured one',
      { payment: { authorizationId: 'a', status: 'REFUNDED', amountMinor: 1, refundedMinor: 1 } },
      capturePayment,
    ],
    ['released stock is not reserved stock', { inventory: 'RELEASED' }, reserveInventory],
  ] as Array<[string, Partial<Order>, typeof createShipment]>)('%s', async (_, changes, step) => {
    // An order whose mark was lost with older data: the state alone still stops the forward step.
    const order = await seedOrder(ctx, { product, quantity: 1 }, changes);

    await expect(step(deps, { orderId: order.orderId })).rejects.toThrow(OrderCompensatingError);
    expect(calls()).toEqual([]);
  });
});

describe('the admin ship route', () => {
  it('refuses an order whose shipment was cancelled', async () => {
    const order = await seedOrder(
      ctx,
      { product, quantity: 1 },
      {
        status: 'CONFIRMED',
        inventory: 'COMMITTED',
        shipment: { shipmentId: 's', carrier: 'C', trackingNumber: 'T', status: 'CANCELLED' },
      },
    );

    await expect(markOrderShipped(ctx, order.orderId)).rejects.toThrow(OrderNotShippableError);
    expect((await reload(order.orderId)).shipment?.status).toBe('CANCELLED');
  });

  it('refuses a confirmed order whose compensation has begun', async () => {
    const order = await seedOrder(
      ctx,
      { product, quantity: 1 },
      {
        status: 'CONFIRMED',
        inventory: 'COMMITTED',
        compensation: { startedAt: '2025-01-01T00:00:01.000Z' },
        shipment: { shipmentId: 's', carrier: 'C', trackingNumber: 'T', status: 'CREATED' },
      },
    );

    await expect(markOrderShipped(ctx, order.orderId)).rejects.toThrow(OrderNotShippableError);
  });
});
