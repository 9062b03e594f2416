import { beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../../orders/order';
import type { DomainContext } from '../../shared/context';
import { loadOrder } from '../../store/repositories';
import { type InMemoryItemStore, inMemoryContext } from '../../testing/in-memory-item-store';
import {
  fixtureProduct,
  seedOrder as seedFixtureOrder,
  unreachableProviders,
} from '../../testing/order-fixtures';
import type { SagaDependencies } from '../saga-step';
import { customerReadableReason, failOrder } from './fail-order';

const GENERIC =
  'We could not complete your order because of a technical problem. Any payment authorization has been released.';
const OUT_OF_STOCK = 'Not enough stock: A (requested 2, available 1).';

let ctx: DomainContext;
let store: InMemoryItemStore;
let deps: SagaDependencies;

beforeEach(() => {
  ({ ctx, store } = inMemoryContext());
  deps = { ctx, ...unreachableProviders('failOrder never calls a provider') };
});

function seedOrder(changes: Partial<Order> = {}): Promise<Order> {
  return seedFixtureOrder(
    ctx,
    { product: fixtureProduct({ sku: 'A', priceMinor: 700 }), quantity: 1 },
    changes,
  );
}

async function orderOf(orderId: string): Promise<Order | undefined> {
  return (await loadOrder(store, orderId))?.value;
}

describe('customerReadableReason', () => {
  it.each([
    [
      'an out-of-stock message, passed through',
      { Error: 'OutOfStockError', Cause: OUT_OF_STOCK },
      OUT_OF_STOCK,
    ],
    [
      'a decline message, passed through',
      { Error: 'PaymentDeclinedError', Cause: 'Your card was declined.' },
      'Your card was declined.',
    ],
    [
      'a carrier refusal, passed through',
      { Error: 'ShipmentRejectedError', Cause: 'We cannot ship to P.O. boxes.' },
      'We cannot ship to P.O. boxes.',
    ],
    [
      'a Lambda-style JSON cause, unwrapped',
      {
        Error: 'OutOfStockError',
        Cause: JSON.stringify({ errorType: 'OutOfStockError', errorMessage: OUT_OF_STOCK, trace: ['at x'] }),
      },
      OUT_OF_STOCK,
    ],
    [
      'an unknown error, replaced by the generic text',
      { Error: 'TypeError', Cause: 'x is undefined' },
      GENERIC,
    ],
    [
      'an unknown error with a JSON cause, never leaking its message',
      { Error: 'Error', Cause: JSON.stringify({ errorType: 'Error', errorMessage: 'SQLITE_BUSY' }) },
      GENERIC,
    ],
    ['a readable error without a message', { Error: 'OutOfStockError' }, GENERIC],
    ['a timeout', { Error: 'States.Timeout', Cause: '' }, GENERIC],
    ['no error at all', undefined, GENERIC],
  ])('maps %s', (_, error, reason) => {
    expect(customerReadableReason(error)).toBe(reason);
  });

  it('keeps a plain cause that merely parses as JSON', () => {
    expect(customerReadableReason({ Error: 'InvalidOrderError', Cause: '42' })).toBe('42');
  });
});

describe('failOrder', () => {
  it('closes a pending order as FAILED with the readable reason, on the order, its timeline and its event', async () => {
    const order = await seedOrder();
    const committed = store.transactions.length;

    const output = await failOrder(deps, {
      orderId: order.orderId,
      input: {
        error: {
          Error: 'OutOfStockError',
          Cause: JSON.stringify({ errorType: 'OutOfStockError', errorMessage: OUT_OF_STOCK }),
        },
      },
    });

    expect(output).toEqual({
      orderId: order.orderId,
      outcome: 'applied',
      status: 'FAILED',
      reason: OUT_OF_STOCK,
    });
    const failed = await orderOf(order.orderId);
    expect(failed).toMatchObject({ status: 'FAILED', failureReason: OUT_OF_STOCK });
    expect(failed?.timeline.at(-1)).toMatchObject({ type: 'FAILED', detail: OUT_OF_STOCK });
    expect(
      store.transactions
        .slice(committed)
        .map((t) => t.events.map((e) => [e['detail-type'], e.detail.reason])),
    ).toEqual([[['OrderFailed', OUT_OF_STOCK]]]);
  });

  it('names the compensations that failed, and does not tell the customer everything was released', async () => {
    const order = await seedOrder();
    const committed = store.transactions.length;

    const output = await failOrder(deps, {
      orderId: order.orderId,
      input: {
        error: { Error: 'TransientError', Cause: 'provider unavailable' },
        compensationErrors: {
          voidPayment: { Error: 'PaymentConflictError', Cause: 'the authorization is captured' },
        },
      },
    });

    const failures = ['voidPayment: PaymentConflictError (the authorization is captured)'];
    expect(output).toMatchObject({ status: 'FAILED', compensationFailures: failures, owed: ['voidPayment'] });
    const closed = await orderOf(order.orderId);
    // The reason says why it failed; the settlement, not the reason, says the release is pending.
    expect(closed?.failureReason).toBe('We could not complete your order because of a technical problem.');
    expect(closed?.settlement).toMatchObject({ status: 'PENDING', owed: ['voidPayment'] });
    const [event] = store.transactions.slice(committed).flatMap((t) => t.events);
    expect(event?.detail).toMatchObject({ compensationFailures: failures, owed: ['voidPayment'] });
  });

  it('reports an unexpected error generically', async () => {
    const order = await seedOrder();

    await failOrder(deps, {
      orderId: order.orderId,
      input: { error: { Error: 'ReferenceError', Cause: 'boom at line 3' } },
    });

    expect((await orderOf(order.orderId))?.failureReason).toBe(GENERIC);
  });

  it('ends CANCELLED, not FAILED, when the customer asked to cancel', async () => {
    const order = await seedOrder({
      cancelRequested: true,
      payment: { authorizationId: 'auth_1', status: 'REFUNDED', amountMinor: 1_199, refundedMinor: 1_199 },
    });

    const output = await failOrder(deps, {
      orderId: order.orderId,
      input: { error: { Error: 'OrderCancelledError', Cause: 'cancelled' } },
    });

    expect(output).toEqual({ orderId: order.orderId, outcome: 'applied', status: 'CANCELLED' });
    const cancelled = await orderOf(order.orderId);
    expect(cancelled?.status).toBe('CANCELLED');
    expect(cancelled?.failureReason).toBeUndefined();
    expect(store.events.map((event) => [event['detail-type'], event.detail.refundedMinor])).toEqual([
      ['OrderCancelled', 1_199],
    ]);
  });

  it('closes a confirmed order being cancelled (the cancellation run) as CANCELLED', async () => {
    const order = await seedOrder({ status: 'CONFIRMED', cancelRequested: true });

    expect((await failOrder(deps, { orderId: order.orderId })).status).toBe('CANCELLED');
    expect(store.events.map((event) => [event['detail-type'], event.detail.refundedMinor])).toEqual([
      ['OrderCancelled', 0],
    ]);
  });

  it.each([
    ['FAILED', false],
    ['CANCELLED', true],
    ['CONFIRMED', false],
  ] as const)('leaves a %s order (cancel requested: %s) as it is', async (status, cancelRequested) => {
    const order = await seedOrder({ status, cancelRequested });
    const committed = store.transactions.length;

    const output = await failOrder(deps, {
      orderId: order.orderId,
      input: { error: { Error: 'TypeError' } },
    });

    expect(output).toEqual({ orderId: order.orderId, outcome: 'already-applied', status });
    expect(store.transactions).toHaveLength(committed);
  });

  it('is idempotent: a second call changes nothing', async () => {
    const order = await seedOrder();
    await failOrder(deps, {
      orderId: order.orderId,
      input: { error: { Error: 'OutOfStockError', Cause: OUT_OF_STOCK } },
    });
    const committed = store.transactions.length;

    expect((await failOrder(deps, { orderId: order.orderId })).outcome).toBe('already-applied');
    expect(store.transactions).toHaveLength(committed);
    expect((await orderOf(order.orderId))?.failureReason).toBe(OUT_OF_STOCK);
  });
});
