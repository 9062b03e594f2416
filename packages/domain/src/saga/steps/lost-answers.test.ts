import { beforeEach, describe, expect, it } from 'vitest';
import { cancelOrder } from '../../orders/cancel-order';
import type { Order } from '../../orders/order';
import type { DomainContext } from '../../shared/context';
import { TransientError } from '../../shared/errors';
import { loadOrder } from '../../store/repositories';
import { FakeCarrier } from '../../testing/fake-carrier';
import { FakePaymentProvider } from '../../testing/fake-payment-provider';
import { type InMemoryItemStore, inMemoryContext } from '../../testing/in-memory-item-store';
import { fixtureProduct, seedOrder as seedFixtureOrder } from '../../testing/order-fixtures';
import { caughtState, nextState } from '../../testing/order-saga-definition';
import type { SagaDependencies, SagaStepInput, SagaStepOutput } from '../saga-step';
import { authorizePayment, voidPayment } from './authorize-payment';
import { capturePayment, refundPayment } from './capture-payment';
import { cancelShipment, createShipment } from './create-shipment';

// A provider call can be applied while its answer never reaches the step: a timeout, or the process dying
// before the order is written. The order then records nothing, and a cancel may land before the retry, or
// every retry may lose its answer too. Whatever happened, the compensations must find the effect at the
// provider and undo it. The fakes keep state like the payment simulator (one answer per idempotency key,
// 409 on a wrong state, a lookup by the authorize key) and can apply a call but lose its answer.

type Step = (deps: SagaDependencies, input: SagaStepInput) => Promise<SagaStepOutput>;

/** The payment and shipping Tasks of statemachines/order-saga.asl.json, by state name. */
const providerTasks: Readonly<Record<string, Step>> = {
  AuthorizePayment: authorizePayment,
  CreateShipment: createShipment,
  CapturePayment: capturePayment,
  RefundPayment: refundPayment,
  CancelShipment: cancelShipment,
  VoidPayment: voidPayment,
};

/**
 * The payment and shipping part of the state machine, walked as it is defined: each Task retried on
 * TransientError (3 attempts), a success going on to its Next, a failure to its Catch (a forward failure
 * into the compensations, a compensation failure on to the next compensation); it stops at the first
 * state outside that part.
 */
async function runSaga(
  orderId: string,
): Promise<{ failedAt?: string; error?: string; compensationErrors?: string[] }> {
  const attempt = async (step: Step) => {
    for (let tries = 1; ; tries++) {
      try {
        return await step(deps, { orderId });
      } catch (error) {
        if (!(error instanceof TransientError) || tries === 3) throw error;
      }
    }
  };
  let failure: { failedAt: string; error: string } | undefined;
  const compensationErrors: string[] = [];
  let state = nextState('ReserveInventory');
  while (state) {
    const current = state;
    const step = providerTasks[current];
    if (!step) break;
    try {
      await attempt(step);
      state = nextState(current);
    } catch (error) {
      if (failure) compensationErrors.push(`${step.name}: ${(error as Error).message}`);
      else failure = { failedAt: step.name, error: (error as Error).name };
      state = caughtState(current);
    }
  }
  return failure ? { ...failure, compensationErrors } : { failedAt: undefined };
}

const product = fixtureProduct({ sku: 'SKU-1', name: 'Kettle', priceMinor: 2_500, category: 'kitchen' });

let ctx: DomainContext;
let store: InMemoryItemStore;
let payments: FakePaymentProvider;
let carrier: FakeCarrier;
let deps: SagaDependencies;

beforeEach(() => {
  ({ ctx, store } = inMemoryContext());
  payments = new FakePaymentProvider();
  carrier = new FakeCarrier();
  deps = { ctx, payments, carrier };
});

/** A PENDING order whose stock is reserved: the saga is about to authorize. */
function seedOrder(changes: Partial<Order> = {}): Promise<Order> {
  return seedFixtureOrder(ctx, { product, quantity: 2 }, { inventory: 'RESERVED', ...changes });
}

const cancel = (orderId: string) => () => cancelOrder(ctx, { startOrderSaga: async () => {} }, { orderId });

async function reload(orderId: string) {
  const order = (await loadOrder(store, orderId))?.value;
  return {
    payment: order?.payment,
    shipment: order?.shipment?.status,
    cancelRequested: order?.cancelRequested,
  };
}

/** What the provider holds for the order's authorization. */
function provider(orderId: string) {
  const [auth] = payments.of(orderId);
  return (
    auth && {
      status: auth.status,
      amount: auth.amountMinor,
      captured: auth.capturedMinor,
      refunded: auth.refundedMinor,
    }
  );
}

/** What the carrier holds for the order: each booking and whether it was cancelled. */
const bookings = () =>
  carrier.bookings().map((booking) => `${booking.shipmentId} ${booking.cancelled ? 'cancelled' : 'booked'}`);

/** The calls made, writes by operation alone (the fakes log their keys too). */
const operations = (calls: readonly string[]) =>
  calls.map((call) => (call.startsWith('find') ? call : (call.split(' ')[0] as string)));

describe('an answer lost, then a cancel before the retry', () => {
  it('authorize: the authorization the order never recorded is found and voided', async () => {
    const order = await seedOrder();
    payments.loseAnswersOf.authorize = 1;
    payments.onAnswerLost = cancel(order.orderId);

    expect(await runSaga(order.orderId)).toEqual({
      failedAt: 'authorizePayment',
      error: 'OrderCancelledError',
      compensationErrors: [],
    });

    expect(provider(order.orderId)).toEqual({ status: 'voided', amount: 5_000, captured: 0, refunded: 0 });
    expect(await reload(order.orderId)).toMatchObject({
      cancelRequested: true,
      payment: { authorizationId: 'auth_1', status: 'VOIDED', amountMinor: 5_000, refundedMinor: 0 },
    });
  });

  it('capture: the capture the order never recorded is found and refunded, never voided', async () => {
    const order = await seedOrder();
    payments.loseAnswersOf.capture = 1;
    payments.onAnswerLost = cancel(order.orderId);

    expect(await runSaga(order.orderId)).toEqual({
      failedAt: 'capturePayment',
      error: 'OrderCancelledError',
      compensationErrors: [],
    });

    expect(provider(order.orderId)).toEqual({
      status: 'refunded',
      amount: 5_000,
      captured: 5_000,
      refunded: 5_000,
    });
    expect(await reload(order.orderId)).toMatchObject({
      payment: { status: 'REFUNDED', refundedMinor: 5_000 },
      shipment: 'CANCELLED',
    });
    expect(bookings()).toEqual([`shp_${order.orderId} cancelled`]);
  });

  it('createShipment: the shipment the order never recorded is found and cancelled', async () => {
    const order = await seedOrder();
    carrier.loseAnswersOf.createShipment = 1;
    carrier.onAnswerLost = cancel(order.orderId);

    expect(await runSaga(order.orderId)).toEqual({
      failedAt: 'createShipment',
      error: 'OrderCancelledError',
      compensationErrors: [],
    });

    expect(bookings()).toEqual([`shp_${order.orderId} cancelled`]);
    expect(provider(order.orderId)?.status).toBe('voided');
    expect(await reload(order.orderId)).toMatchObject({
      payment: { status: 'VOIDED' },
      shipment: 'CANCELLED',
    });
  });
});

describe('every answer lost, no cancel', () => {
  it('capture: the order fails with the capture refunded, not left captured', async () => {
    const order = await seedOrder();
    payments.loseAnswersOf.capture = Number.POSITIVE_INFINITY;

    expect(await runSaga(order.orderId)).toEqual({
      failedAt: 'capturePayment',
      error: 'TransientError',
      compensationErrors: [],
    });

    expect(provider(order.orderId)).toEqual({
      status: 'refunded',
      amount: 5_000,
      captured: 5_000,
      refunded: 5_000,
    });
    expect((await reload(order.orderId)).payment).toMatchObject({ status: 'REFUNDED', refundedMinor: 5_000 });
    expect(bookings()).toEqual([`shp_${order.orderId} cancelled`]);
  });

  it('authorize: the hold is released', async () => {
    const order = await seedOrder();
    payments.loseAnswersOf.authorize = Number.POSITIVE_INFINITY;

    expect((await runSaga(order.orderId)).compensationErrors).toEqual([]);

    expect(provider(order.orderId)?.status).toBe('voided');
    expect((await reload(order.orderId)).payment?.status).toBe('VOIDED');
  });

  it('createShipment: the booking is cancelled', async () => {
    const order = await seedOrder();
    carrier.loseAnswersOf.createShipment = Number.POSITIVE_INFINITY;

    expect((await runSaga(order.orderId)).compensationErrors).toEqual([]);

    expect(bookings()).toEqual([`shp_${order.orderId} cancelled`]);
    expect((await reload(order.orderId)).shipment).toBe('CANCELLED');
  });
});

describe('compensations follow the provider when the order is behind it', () => {
  it('VoidPayment refunds, under the refund key, an authorization the provider shows captured', async () => {
    const order = await seedOrder();
    await authorizePayment(deps, { orderId: order.orderId });
    await payments.capture({
      idempotencyKey: `${order.orderId}:capture`,
      authorizationId: 'auth_1',
      amountMinor: 5_000,
    });

    const first = await voidPayment(deps, { orderId: order.orderId });
    const replay = await voidPayment(deps, { orderId: order.orderId });

    expect([first.outcome, replay.outcome]).toEqual(['applied', 'skipped']);
    expect(provider(order.orderId)).toEqual({
      status: 'refunded',
      amount: 5_000,
      captured: 5_000,
      refunded: 5_000,
    });
    expect((await reload(order.orderId)).payment).toMatchObject({ status: 'REFUNDED', refundedMinor: 5_000 });
    expect(operations(payments.calls)).toEqual([
      'authorize',
      'capture',
      'void',
      `find ${order.orderId}:authorize`,
      'refund',
    ]);
  });

  it('running every compensation twice undoes each effect once', async () => {
    const order = await seedOrder();
    payments.loseAnswersOf.capture = Number.POSITIVE_INFINITY;
    await runSaga(order.orderId);
    const calls = payments.calls.length;

    for (const compensation of [refundPayment, cancelShipment, voidPayment]) {
      await compensation(deps, { orderId: order.orderId });
    }

    expect(provider(order.orderId)).toEqual({
      status: 'refunded',
      amount: 5_000,
      captured: 5_000,
      refunded: 5_000,
    });
    expect(payments.calls.slice(calls)).toEqual([]);
  });
});

describe('what it costs', () => {
  it('the happy path asks no provider anything beyond its three calls', async () => {
    const order = await seedOrder();
    const committed = store.transactions.length;

    expect(await runSaga(order.orderId)).toEqual({ failedAt: undefined });

    expect(operations([...payments.calls, ...carrier.calls])).toEqual([
      'authorize',
      'capture',
      'createShipment',
    ]);
    expect(store.transactions).toHaveLength(committed + 3);
  });

  it('a cancel before any call: one lookup, nothing found, one write (compensation began)', async () => {
    const order = await seedOrder({ cancelRequested: true });
    const committed = store.transactions.length;

    await runSaga(order.orderId);

    expect(payments.calls).toEqual([`find ${order.orderId}:authorize`]);
    expect(store.transactions).toHaveLength(committed + 1);
    expect((await loadOrder(store, order.orderId))?.value.compensation).toBeDefined();
  });

  it('a decline: one lookup, nothing found, one write (compensation began)', async () => {
    const order = await seedOrder();
    payments.declining = true;
    const committed = store.transactions.length;

    expect((await runSaga(order.orderId)).error).toBe('PaymentDeclinedError');

    expect(operations(payments.calls)).toEqual(['authorize', `find ${order.orderId}:authorize`]);
    expect(store.transactions).toHaveLength(committed + 1);
  });

  it('a plain void or refund asks nothing', async () => {
    const authorized = await seedOrder({
      payment: { authorizationId: 'auth_1', status: 'AUTHORIZED', amountMinor: 5_000, refundedMinor: 0 },
    });
    payments.hold({
      orderId: authorized.orderId,
      authorizationId: 'auth_1',
      status: 'authorized',
      amountMinor: 5_000,
      capturedMinor: 0,
      refundedMinor: 0,
      currency: 'USD',
    });
    await voidPayment(deps, { orderId: authorized.orderId });

    const captured = await seedOrder({
      payment: { authorizationId: 'auth_2', status: 'CAPTURED', amountMinor: 5_000, refundedMinor: 0 },
    });
    payments.hold({
      orderId: captured.orderId,
      authorizationId: 'auth_2',
      status: 'captured',
      amountMinor: 5_000,
      capturedMinor: 5_000,
      refundedMinor: 0,
      currency: 'USD',
    });
    await refundPayment(deps, { orderId: captured.orderId });

    expect(operations(payments.calls)).toEqual(['void', 'refund']);
  });
});
