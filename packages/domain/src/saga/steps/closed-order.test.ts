import { beforeEach, describe, expect, it } from 'vitest';
import { type Order, OrderCancelledError, OrderClosedError } from '../../orders/order';
import type { DomainContext } from '../../shared/context';
import { inMemoryContext } from '../../testing/in-memory-item-store';
import { fixtureProduct, seedOrder, unreachableProviders } from '../../testing/order-fixtures';
import type { SagaDependencies } from '../saga-step';
import { authorizePayment } from './authorize-payment';
import { capturePayment } from './capture-payment';
import { createShipment } from './create-shipment';
import { reserveInventory } from './reserve-inventory';

/**
 * An execution resumed after a crash that came after FailOrder closed the order but before the runner
 * recorded the execution's end runs the forward steps again: they must not reserve, charge or ship.
 */
let ctx: DomainContext;
let deps: SagaDependencies;
let providerCalls = 0;

beforeEach(() => {
  ({ ctx } = inMemoryContext());
  providerCalls = 0;
  deps = {
    ctx,
    ...unreachableProviders('a closed order must not reach a provider', () => {
      providerCalls++;
    }),
  };
});

const seedSagaOrder = (changes: Partial<Order>) =>
  seedOrder(ctx, { product: fixtureProduct({ sku: 'A', priceMinor: 700 }), quantity: 1 }, changes);

describe('forward steps on a closed order', () => {
  it.each([
    ['FAILED, stock released, nothing charged', { status: 'FAILED', inventory: 'RELEASED' }],
    ['CANCELLED before anything happened', { status: 'CANCELLED', inventory: 'NONE' }],
    [
      'FAILED after a refund',
      {
        status: 'FAILED',
        inventory: 'RELEASED',
        payment: { authorizationId: 'auth_1', status: 'REFUNDED', amountMinor: 1_199, refundedMinor: 1_199 },
      },
    ],
  ] as Array<[string, Partial<Order>]>)(
    '%s: the first step refuses it, and no step acts',
    async (_, changes) => {
      const order = await seedSagaOrder(changes);
      const { store } = ctx as DomainContext & { store: { transactions: unknown[] } };
      const committed = store.transactions.length;

      // The first forward step throws; its Catch goes to FailOrder, which leaves a closed order as it is.
      await expect(reserveInventory(deps, { orderId: order.orderId })).rejects.toThrow(OrderClosedError);
      // Were any later step reached anyway, it would neither call a provider nor write.
      for (const step of [authorizePayment, createShipment, capturePayment]) {
        await step(deps, { orderId: order.orderId }).catch((error: unknown) => {
          expect(error).toBeInstanceOf(OrderClosedError);
        });
      }
      expect(providerCalls).toBe(0);
      expect(store.transactions).toHaveLength(committed);
    },
  );

  it('a cancel request with stock reserved passes ReserveInventory, so a later step’s Catch compensates', async () => {
    // ReserveInventory's Catch goes straight to FailOrder (nothing of its own to undo). A resumed run of
    // an order whose cancel was requested after its stock was reserved must not stop there, or the
    // order would close CANCELLED with the stock still reserved.
    const order = await seedSagaOrder({
      status: 'PENDING',
      inventory: 'RESERVED',
      cancelRequested: true,
      payment: { authorizationId: 'auth_1', status: 'AUTHORIZED', amountMinor: 1_199, refundedMinor: 0 },
    });

    await expect(reserveInventory(deps, { orderId: order.orderId })).resolves.toMatchObject({
      outcome: 'already-applied',
    });
    await expect(createShipment(deps, { orderId: order.orderId })).rejects.toThrow(OrderCancelledError);
    expect(providerCalls).toBe(0);
  });
});
