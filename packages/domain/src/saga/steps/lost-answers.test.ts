import { beforeEach, describe, expect, it } from 'vitest';
import { cancelOrder } from '../../orders/cancel-order';
import type { Order } from '../../orders/order';
import { PaymentDeclinedError } from '../../payments/payment-errors';
import type {
  AuthorizationState,
  PaymentOperationResult,
  PaymentProvider,
} from '../../payments/payment-provider';
import type { DomainContext } from '../../shared/context';
import { MeridianError, TransientError } from '../../shared/errors';
import type { BookedShipment, ShippingCarrier } from '../../shipping/shipping-carrier';
import { loadOrder } from '../../store/repositories';
import { type InMemoryItemStore, inMemoryContext } from '../../testing/in-memory-item-store';
import { fixtureProduct, seedOrder as seedFixtureOrder } from '../../testing/order-fixtures';
import type { SagaDependencies, SagaStepInput, SagaStepOutput } from '../saga-step';
import { authorizePayment, voidPayment } from './authorize-payment';
import { capturePayment, refundPayment } from './capture-payment';
import { cancelShipment, createShipment } from './create-shipment';

// A provider call can be applied while its answer never reaches the step: a timeout, or the process dying
// before the order is written. The order then records nothing, and a cancel may land before the retry, or
// every retry may lose its answer too. Whatever happened, the compensations must find the effect at the
// provider and undo it. The fakes below keep state like the payment simulator (one answer per idempotency
// key, 409 on a wrong state, a lookup by the authorize key) and can apply a call but lose its answer.

type PaymentOperation = 'authorize' | 'capture' | 'void' | 'refund';

/** The simulator's 409 authorization_unexpected_state: a refusal, not worth retrying. */
class ProviderConflictError extends MeridianError {
  constructor(message: string) {
    super('authorization_unexpected_state', message);
  }
}

interface Authorization {
  id: string;
  status: AuthorizationState['status'];
  amount: number;
  captured: number;
  refunded: number;
}

class LossyPayments implements PaymentProvider {
  readonly calls: string[] = [];
  readonly authorizations = new Map<string, Authorization>();
  /** How many answers of each operation to lose after applying it (Infinity: all of them). */
  readonly lose: Partial<Record<PaymentOperation, number>> = {};
  /** Runs when an answer is lost, before the step sees the timeout (e.g. the customer cancels). */
  onLost: () => Promise<unknown> = async () => undefined;
  decline = false;
  private readonly answers = new Map<string, PaymentOperationResult | Error>();

  // The reconciler's reads; the steps under test never call them.
  listAuthorizations: PaymentProvider['listAuthorizations'] = async () => {
    throw new Error('saga steps do not list authorizations');
  };
  listLedger: PaymentProvider['listLedger'] = async () => {
    throw new Error('saga steps do not read the ledger');
  };

  authorize: PaymentProvider['authorize'] = (request) =>
    this.once('authorize', request.idempotencyKey, () => {
      if (this.decline) return new PaymentDeclinedError('card_declined', 'Your card was declined.');
      const id = `auth_${this.authorizations.size + 1}`;
      this.authorizations.set(id, {
        id,
        status: 'authorized',
        amount: request.amountMinor,
        captured: 0,
        refunded: 0,
      });
      return result(id, 'authorized', request.amountMinor);
    });

  capture: PaymentProvider['capture'] = (request) =>
    this.once('capture', request.idempotencyKey, () =>
      this.change(request.authorizationId, 'authorized', 'capture', (auth) => {
        auth.status = 'captured';
        auth.captured = request.amountMinor;
        return result(auth.id, 'captured', request.amountMinor);
      }),
    );

  void: PaymentProvider['void'] = (request) =>
    this.once('void', request.idempotencyKey, () =>
      this.change(request.authorizationId, 'authorized', 'void', (auth) => {
        auth.status = 'voided';
        return result(auth.id, 'voided', auth.amount);
      }),
    );

  refund: PaymentProvider['refund'] = (request) =>
    this.once('refund', request.idempotencyKey, () =>
      this.change(request.authorizationId, 'captured', 'refund', (auth) => {
        auth.refunded += request.amountMinor;
        if (auth.refunded === auth.captured) auth.status = 'refunded';
        return result(auth.id, 'refunded', request.amountMinor);
      }),
    );

  findAuthorization: PaymentProvider['findAuthorization'] = async (request) => {
    this.calls.push(`find ${request.idempotencyKey}`);
    const created = this.answers.get(`authorize ${request.idempotencyKey}`);
    const auth =
      created instanceof Error ? undefined : this.authorizations.get(created?.authorizationId ?? '');
    return (
      auth && {
        authorizationId: auth.id,
        status: auth.status,
        amountMinor: auth.amount,
        capturedMinor: auth.captured,
        refundedMinor: auth.refunded,
        currency: 'USD',
      }
    );
  };

  /** What the provider holds for the order's authorization, for assertions. */
  state(): Omit<Authorization, 'id'> | undefined {
    const [auth] = this.authorizations.values();
    return (
      auth && { status: auth.status, amount: auth.amount, captured: auth.captured, refunded: auth.refunded }
    );
  }

  private async once(
    operation: PaymentOperation,
    key: string,
    apply: () => PaymentOperationResult | Error,
  ): Promise<PaymentOperationResult> {
    this.calls.push(operation);
    const scoped = `${operation} ${key}`;
    const answer = this.answers.get(scoped) ?? apply();
    this.answers.set(scoped, answer);
    if ((this.lose[operation] ?? 0) > 0) {
      this.lose[operation] = (this.lose[operation] ?? 0) - 1;
      await this.onLost();
      throw new TransientError(`Payment provider did not answer ${operation} within 2000 ms`);
    }
    if (answer instanceof Error) throw answer;
    return answer;
  }

  private change(
    authorizationId: string,
    from: Authorization['status'],
    action: string,
    apply: (auth: Authorization) => PaymentOperationResult,
  ): PaymentOperationResult | Error {
    const auth = this.authorizations.get(authorizationId);
    if (!auth) return new ProviderConflictError(`No such authorization: '${authorizationId}'`);
    if (auth.status !== from) {
      return new ProviderConflictError(`Cannot ${action} authorization '${auth.id}': it is ${auth.status}.`);
    }
    return apply(auth);
  }
}

function result(
  authorizationId: string,
  status: PaymentOperationResult['status'],
  amountMinor: number,
): PaymentOperationResult {
  return {
    authorizationId,
    operationId: `op_${status}_${authorizationId}`,
    status,
    amountMinor,
    currency: 'USD',
  };
}

class LossyCarrier implements ShippingCarrier {
  readonly calls: string[] = [];
  readonly bookings = new Map<string, BookedShipment & { cancelled: boolean }>();
  lose = 0;
  onLost: () => Promise<unknown> = async () => undefined;

  createShipment: ShippingCarrier['createShipment'] = async (request) => {
    this.calls.push('createShipment');
    const booking = this.bookings.get(request.idempotencyKey) ?? {
      shipmentId: `shp_${this.bookings.size + 1}`,
      carrier: 'LocalPost',
      trackingNumber: `TRK-${this.bookings.size + 1}`,
      cancelled: false,
    };
    this.bookings.set(request.idempotencyKey, booking);
    if (this.lose > 0) {
      this.lose--;
      await this.onLost();
      throw new TransientError('Carrier did not answer within 2000 ms');
    }
    return {
      shipmentId: booking.shipmentId,
      carrier: booking.carrier,
      trackingNumber: booking.trackingNumber,
    };
  };

  cancelShipment: ShippingCarrier['cancelShipment'] = async (request) => {
    this.calls.push(`cancelShipment ${request.shipmentId}`);
    for (const booking of this.bookings.values()) {
      if (booking.shipmentId === request.shipmentId) booking.cancelled = true;
    }
  };

  findShipment: ShippingCarrier['findShipment'] = async (request) => {
    this.calls.push(`findShipment ${request.idempotencyKey}`);
    const booking = this.bookings.get(request.idempotencyKey);
    return (
      booking && {
        shipmentId: booking.shipmentId,
        carrier: booking.carrier,
        trackingNumber: booking.trackingNumber,
      }
    );
  };

  state(): string[] {
    return [...this.bookings.values()].map((b) => `${b.shipmentId} ${b.cancelled ? 'cancelled' : 'booked'}`);
  }
}

type Step = (deps: SagaDependencies, input: SagaStepInput) => Promise<SagaStepOutput>;

/**
 * The payment and shipping part of statemachines/order-saga.asl.json: each Task retried on TransientError
 * (3 attempts), a forward failure caught into the compensations, a compensation failure caught and the
 * next compensation run regardless.
 */
async function runSaga(orderId: string) {
  const attempt = async (step: Step) => {
    for (let tries = 1; ; tries++) {
      try {
        return await step(deps, { orderId });
      } catch (error) {
        if (!(error instanceof TransientError) || tries === 3) throw error;
      }
    }
  };
  for (const step of [authorizePayment, createShipment, capturePayment]) {
    try {
      await attempt(step);
    } catch (error) {
      // Every failure enters the whole compensation chain, as the state machine's Catch rules do.
      const compensationErrors: string[] = [];
      for (const compensation of [refundPayment, cancelShipment, voidPayment]) {
        await attempt(compensation).catch((failure: Error) =>
          compensationErrors.push(`${compensation.name}: ${failure.message}`),
        );
      }
      return { failedAt: step.name, error: (error as Error).name, compensationErrors };
    }
  }
  return { failedAt: undefined };
}

const product = fixtureProduct({ sku: 'SKU-1', name: 'Kettle', priceMinor: 2_500, category: 'kitchen' });

let ctx: DomainContext;
let store: InMemoryItemStore;
let payments: LossyPayments;
let carrier: LossyCarrier;
let deps: SagaDependencies;

beforeEach(() => {
  ({ ctx, store } = inMemoryContext());
  payments = new LossyPayments();
  carrier = new LossyCarrier();
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

describe('an answer lost, then a cancel before the retry', () => {
  it('authorize: the authorization the order never recorded is found and voided', async () => {
    const order = await seedOrder();
    payments.lose.authorize = 1;
    payments.onLost = cancel(order.orderId);

    expect(await runSaga(order.orderId)).toEqual({
      failedAt: 'authorizePayment',
      error: 'OrderCancelledError',
      compensationErrors: [],
    });

    expect(payments.state()).toEqual({ status: 'voided', amount: 5_000, captured: 0, refunded: 0 });
    expect(await reload(order.orderId)).toMatchObject({
      cancelRequested: true,
      payment: { authorizationId: 'auth_1', status: 'VOIDED', amountMinor: 5_000, refundedMinor: 0 },
    });
  });

  it('capture: the capture the order never recorded is found and refunded, never voided', async () => {
    const order = await seedOrder();
    payments.lose.capture = 1;
    payments.onLost = cancel(order.orderId);

    expect(await runSaga(order.orderId)).toEqual({
      failedAt: 'capturePayment',
      error: 'OrderCancelledError',
      compensationErrors: [],
    });

    expect(payments.state()).toEqual({ status: 'refunded', amount: 5_000, captured: 5_000, refunded: 5_000 });
    expect(await reload(order.orderId)).toMatchObject({
      payment: { status: 'REFUNDED', refundedMinor: 5_000 },
      shipment: 'CANCELLED',
    });
    expect(carrier.state()).toEqual(['shp_1 cancelled']);
  });

  it('createShipment: the shipment the order never recorded is found and cancelled', async () => {
    const order = await seedOrder();
    carrier.lose = 1;
    carrier.onLost = cancel(order.orderId);

    expect(await runSaga(order.orderId)).toEqual({
      failedAt: 'createShipment',
      error: 'OrderCancelledError',
      compensationErrors: [],
    });

    expect(carrier.state()).toEqual(['shp_1 cancelled']);
    expect(payments.state()?.status).toBe('voided');
    expect(await reload(order.orderId)).toMatchObject({
      payment: { status: 'VOIDED' },
      shipment: 'CANCELLED',
    });
  });
});

describe('every answer lost, no cancel', () => {
  it('capture: the order fails with the capture refunded, not left captured', async () => {
    const order = await seedOrder();
    payments.lose.capture = Number.POSITIVE_INFINITY;

    expect(await runSaga(order.orderId)).toEqual({
      failedAt: 'capturePayment',
      error: 'TransientError',
      compensationErrors: [],
    });

    expect(payments.state()).toEqual({ status: 'refunded', amount: 5_000, captured: 5_000, refunded: 5_000 });
    expect((await reload(order.orderId)).payment).toMatchObject({ status: 'REFUNDED', refundedMinor: 5_000 });
    expect(carrier.state()).toEqual(['shp_1 cancelled']);
  });

  it('authorize: the hold is released', async () => {
    const order = await seedOrder();
    payments.lose.authorize = Number.POSITIVE_INFINITY;

    expect((await runSaga(order.orderId)).compensationErrors).toEqual([]);

    expect(payments.state()?.status).toBe('voided');
    expect((await reload(order.orderId)).payment?.status).toBe('VOIDED');
  });

  it('createShipment: the booking is cancelled', async () => {
    const order = await seedOrder();
    carrier.lose = Number.POSITIVE_INFINITY;

    expect((await runSaga(order.orderId)).compensationErrors).toEqual([]);

    expect(carrier.state()).toEqual(['shp_1 cancelled']);
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
    expect(payments.state()).toEqual({ status: 'refunded', amount: 5_000, captured: 5_000, refunded: 5_000 });
    expect((await reload(order.orderId)).payment).toMatchObject({ status: 'REFUNDED', refundedMinor: 5_000 });
    expect(payments.calls).toEqual([
      'authorize',
      'capture',
      'void',
      `find ${order.orderId}:authorize`,
      'refund',
    ]);
  });

  it('running every compensation twice undoes each effect once', async () => {
    const order = await seedOrder();
    payments.lose.capture = Number.POSITIVE_INFINITY;
    await runSaga(order.orderId);
    const calls = payments.calls.length;

    for (const compensation of [refundPayment, cancelShipment, voidPayment]) {
      await compensation(deps, { orderId: order.orderId });
    }

    expect(payments.state()).toEqual({ status: 'refunded', amount: 5_000, captured: 5_000, refunded: 5_000 });
    expect(payments.calls.slice(calls)).toEqual([]);
  });
});

describe('what it costs', () => {
  it('the happy path asks no provider anything beyond its three calls', async () => {
    const order = await seedOrder();
    const committed = store.transactions.length;

    expect(await runSaga(order.orderId)).toEqual({ failedAt: undefined });

    expect([...payments.calls, ...carrier.calls]).toEqual(['authorize', 'capture', 'createShipment']);
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
    payments.decline = true;
    const committed = store.transactions.length;

    expect((await runSaga(order.orderId)).error).toBe('PaymentDeclinedError');

    expect(payments.calls).toEqual(['authorize', `find ${order.orderId}:authorize`]);
    expect(store.transactions).toHaveLength(committed + 1);
  });

  it('a plain void or refund asks nothing', async () => {
    const authorized = await seedOrder({
      payment: { authorizationId: 'auth_1', status: 'AUTHORIZED', amountMinor: 5_000, refundedMinor: 0 },
    });
    payments.authorizations.set('auth_1', {
      id: 'auth_1',
      status: 'authorized',
      amount: 5_000,
      captured: 0,
      refunded: 0,
    });
    await voidPayment(deps, { orderId: authorized.orderId });

    const captured = await seedOrder({
      payment: { authorizationId: 'auth_2', status: 'CAPTURED', amountMinor: 5_000, refundedMinor: 0 },
    });
    payments.authorizations.set('auth_2', {
      id: 'auth_2',
      status: 'captured',
      amount: 5_000,
      captured: 5_000,
      refunded: 0,
    });
    await refundPayment(deps, { orderId: captured.orderId });

    expect(payments.calls).toEqual(['void', 'refund']);
  });
});
