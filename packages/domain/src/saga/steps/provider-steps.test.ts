import { beforeEach, describe, expect, it } from 'vitest';
import { type Order, OrderCancelledError, OrderNotFoundError } from '../../orders/order';
import { PaymentDeclinedError } from '../../payments/payment-errors';
import type { PaymentOperationResult, PaymentProvider } from '../../payments/payment-provider';
import type { DomainContext } from '../../shared/context';
import type { ShippingCarrier } from '../../shipping/shipping-carrier';
import { isCounterWrite } from '../../store/item-store';
import { loadOrder } from '../../store/repositories';
import { type InMemoryItemStore, inMemoryContext } from '../../testing/in-memory-item-store';
import { fixtureProduct, seedOrder as seedFixtureOrder } from '../../testing/order-fixtures';
import type { SagaDependencies } from '../saga-step';
import { authorizePayment, voidPayment } from './authorize-payment';
import { capturePayment, PaymentNotAuthorizedError, refundPayment } from './capture-payment';
import { cancelShipment, createShipment } from './create-shipment';
import { releaseInventory } from './reserve-inventory';

type Operation =
  | 'authorize'
  | 'capture'
  | 'void'
  | 'refund'
  | 'findAuthorization'
  | 'createShipment'
  | 'cancelShipment'
  | 'findShipment';

interface Call {
  operation: Operation;
  idempotencyKey: string;
  request: object;
}

/** Stripe-like: a repeated idempotency key returns the first result. Records every call. */
class FakePayments implements PaymentProvider {
  decline = false;
  private readonly results = new Map<string, PaymentOperationResult>();

  constructor(private readonly calls: Call[]) {}

  authorize: PaymentProvider['authorize'] = async (request) => {
    this.calls.push({ operation: 'authorize', idempotencyKey: request.idempotencyKey, request });
    if (this.decline) throw new PaymentDeclinedError('card_declined', 'Your card was declined.');
    return this.once(
      request.idempotencyKey,
      `auth_${this.results.size + 1}`,
      'authorized',
      request.amountMinor,
    );
  };
  capture: PaymentProvider['capture'] = async (request) =>
    this.record('capture', request, 'captured', request.amountMinor);
  void: PaymentProvider['void'] = async (request) => this.record('void', request, 'voided', 0);
  refund: PaymentProvider['refund'] = async (request) =>
    this.record('refund', request, 'refunded', request.amountMinor);

  // The reconciler's reads; the steps under test never call them.
  listAuthorizations: PaymentProvider['listAuthorizations'] = async () => {
    throw new Error('saga steps do not list authorizations');
  };
  listLedger: PaymentProvider['listLedger'] = async () => {
    throw new Error('saga steps do not read the ledger');
  };

  /** Knows only what it authorized (it keeps no state per authorization): enough for these tests. */
  findAuthorization: PaymentProvider['findAuthorization'] = async (request) => {
    this.calls.push({ operation: 'findAuthorization', idempotencyKey: request.idempotencyKey, request });
    const authorized = this.results.get(request.idempotencyKey);
    return (
      authorized && {
        authorizationId: authorized.authorizationId,
        status: 'authorized',
        amountMinor: authorized.amountMinor,
        capturedMinor: 0,
        refundedMinor: 0,
        currency: authorized.currency,
      }
    );
  };

  private record(
    operation: Operation,
    request: { idempotencyKey: string; authorizationId: string },
    status: PaymentOperationResult['status'],
    amountMinor: number,
  ): Promise<PaymentOperationResult> {
    this.calls.push({ operation, idempotencyKey: request.idempotencyKey, request });
    return this.once(request.idempotencyKey, request.authorizationId, status, amountMinor);
  }

  private async once(
    key: string,
    authorizationId: string,
    status: PaymentOperationResult['status'],
    amountMinor: number,
  ): Promise<PaymentOperationResult> {
    const result = this.results.get(key) ?? {
      authorizationId,
      operationId: `op_${key}`,
      status,
      amountMinor,
      currency: 'USD',
    };
    this.results.set(key, result);
    return result;
  }
}

class FakeCarrier implements ShippingCarrier {
  constructor(private readonly calls: Call[]) {}

  createShipment: ShippingCarrier['createShipment'] = async (request) => {
    this.calls.push({ operation: 'createShipment', idempotencyKey: request.idempotencyKey, request });
    return {
      shipmentId: `shp_${request.orderId}`,
      carrier: 'LocalPost',
      trackingNumber: `TRK-${request.orderId}`,
    };
  };
  cancelShipment: ShippingCarrier['cancelShipment'] = async (request) => {
    this.calls.push({ operation: 'cancelShipment', idempotencyKey: request.idempotencyKey, request });
  };
  findShipment: ShippingCarrier['findShipment'] = async (request) => {
    this.calls.push({ operation: 'findShipment', idempotencyKey: request.idempotencyKey, request });
    return undefined;
  };
}

const product = fixtureProduct({ sku: 'SKU-1', name: 'Kettle', priceMinor: 2_500, category: 'kitchen' });

let ctx: DomainContext;
let store: InMemoryItemStore;
let calls: Call[];
let payments: FakePayments;
let deps: SagaDependencies;

beforeEach(() => {
  ({ ctx, store } = inMemoryContext());
  calls = [];
  payments = new FakePayments(calls);
  deps = { ctx, payments, carrier: new FakeCarrier(calls) };
});

function seedOrder(changes: Partial<Order> = {}): Promise<Order> {
  return seedFixtureOrder(ctx, { product, quantity: 2 }, changes);
}

async function reload(orderId: string): Promise<Order> {
  const order = await loadOrder(store, orderId);
  if (!order) throw new Error(`order ${orderId} vanished`);
  return order.value;
}

const authorized = {
  authorizationId: 'auth_seeded',
  status: 'AUTHORIZED',
  amountMinor: 5_499,
  refundedMinor: 0,
} as const;

describe('authorizePayment', () => {
  it('authorizes the order total once and records it with its event in one transaction', async () => {
    const order = await seedOrder();
    const committed = store.transactions.length;

    const output = await authorizePayment(deps, { orderId: order.orderId });

    expect(output).toEqual({ orderId: order.orderId, outcome: 'applied', authorizationId: 'auth_1' });
    expect(calls).toEqual([
      {
        operation: 'authorize',
        idempotencyKey: `${order.orderId}:authorize`,
        request: expect.objectContaining({
          amountMinor: order.totalMinor,
          currency: 'USD',
          paymentMethod: 'pm_card_visa',
        }),
      },
    ]);
    expect((await reload(order.orderId)).payment).toEqual({
      authorizationId: 'auth_1',
      status: 'AUTHORIZED',
      amountMinor: order.totalMinor,
      refundedMinor: 0,
    });
    const [transaction] = store.transactions.slice(committed);
    expect(store.transactions).toHaveLength(committed + 1);
    expect(transaction?.writes.map((write) => (isCounterWrite(write) ? 'counters' : write.expect))).toEqual([
      1,
    ]);
    expect(transaction?.events.map((event) => [event['detail-type'], event.detail.authorizationId])).toEqual([
      ['OrderPaymentAuthorized', 'auth_1'],
    ]);
  });

  it('answers a replay with already-applied and the same authorization, without calling the provider', async () => {
    const order = await seedOrder();
    await authorizePayment(deps, { orderId: order.orderId });
    const committed = store.transactions.length;

    const replay = await authorizePayment(deps, { orderId: order.orderId });

    expect(replay).toEqual({ orderId: order.orderId, outcome: 'already-applied', authorizationId: 'auth_1' });
    expect(calls).toHaveLength(1);
    expect(store.transactions).toHaveLength(committed);
  });

  it('stops before calling the provider when the customer asked to cancel', async () => {
    const order = await seedOrder({ cancelRequested: true });
    const committed = store.transactions.length;

    await expect(authorizePayment(deps, { orderId: order.orderId })).rejects.toThrow(OrderCancelledError);
    expect(calls).toEqual([]);
    expect(store.transactions).toHaveLength(committed);
  });

  it('lets a decline through and records nothing', async () => {
    const order = await seedOrder();
    const committed = store.transactions.length;
    payments.decline = true;

    await expect(authorizePayment(deps, { orderId: order.orderId })).rejects.toThrow(PaymentDeclinedError);
    expect(store.transactions).toHaveLength(committed);
  });

  it('reports an unknown order', async () => {
    await expect(authorizePayment(deps, { orderId: 'ord_NOPE_us-east-1' })).rejects.toThrow(
      OrderNotFoundError,
    );
  });
});

describe('voidPayment', () => {
  it('voids an uncaptured authorization once; a replay is already-applied', async () => {
    const order = await seedOrder({ payment: authorized });

    const first = await voidPayment(deps, { orderId: order.orderId });
    const replay = await voidPayment(deps, { orderId: order.orderId });

    expect([first.outcome, replay.outcome]).toEqual(['applied', 'already-applied']);
    expect(calls).toEqual([
      {
        operation: 'void',
        idempotencyKey: `${order.orderId}:void`,
        request: { idempotencyKey: `${order.orderId}:void`, authorizationId: 'auth_seeded' },
      },
    ]);
    expect((await reload(order.orderId)).payment?.status).toBe('VOIDED');
    expect(store.events.map((event) => event['detail-type'])).toEqual(['OrderPaymentVoided']);
  });

  it('without a recorded authorization, voids the one the provider holds for the authorize key', async () => {
    const order = await seedOrder({ inventory: 'RESERVED' });
    await payments.authorize({
      idempotencyKey: `${order.orderId}:authorize`,
      orderId: order.orderId,
      amountMinor: order.totalMinor,
      currency: 'USD',
      paymentMethod: 'pm_card_visa',
    });

    expect((await voidPayment(deps, { orderId: order.orderId })).outcome).toBe('applied');
    expect(calls.map((call) => [call.operation, call.idempotencyKey])).toEqual([
      ['authorize', `${order.orderId}:authorize`],
      ['findAuthorization', `${order.orderId}:authorize`],
      ['void', `${order.orderId}:void`],
    ]);
    expect((await reload(order.orderId)).payment).toEqual({
      authorizationId: 'auth_1',
      status: 'VOIDED',
      amountMinor: order.totalMinor,
      refundedMinor: 0,
    });
  });

  it('leaves a captured payment alone (refund is its compensation)', async () => {
    const order = await seedOrder({ payment: { ...authorized, status: 'CAPTURED' } });

    expect((await voidPayment(deps, { orderId: order.orderId })).outcome).toBe('skipped');
    expect(calls).toEqual([]);
  });
});

describe('capturePayment', () => {
  it('captures the authorized amount once; a replay is already-applied', async () => {
    const order = await seedOrder({ payment: authorized });

    const first = await capturePayment(deps, { orderId: order.orderId });
    const replay = await capturePayment(deps, { orderId: order.orderId });

    expect([first.outcome, replay.outcome]).toEqual(['applied', 'already-applied']);
    expect(calls.map((call) => [call.operation, call.idempotencyKey, call.request])).toEqual([
      [
        'capture',
        `${order.orderId}:capture`,
        { idempotencyKey: `${order.orderId}:capture`, authorizationId: 'auth_seeded', amountMinor: 5_499 },
      ],
    ]);
    expect((await reload(order.orderId)).payment?.status).toBe('CAPTURED');
    expect(store.events.map((event) => event['detail-type'])).toEqual(['OrderPaymentCaptured']);
  });

  it('refuses to capture without an authorization, calling nothing', async () => {
    const order = await seedOrder();

    await expect(capturePayment(deps, { orderId: order.orderId })).rejects.toThrow(PaymentNotAuthorizedError);
    expect(calls).toEqual([]);
  });

  it('stops before capturing when the customer asked to cancel', async () => {
    const order = await seedOrder({ payment: authorized, cancelRequested: true });

    await expect(capturePayment(deps, { orderId: order.orderId })).rejects.toThrow(OrderCancelledError);
    expect(calls).toEqual([]);
  });
});

describe('refundPayment', () => {
  it('refunds a capture in full once; a replay is already-applied', async () => {
    const order = await seedOrder({ payment: { ...authorized, status: 'CAPTURED' } });

    const first = await refundPayment(deps, { orderId: order.orderId });
    const replay = await refundPayment(deps, { orderId: order.orderId });

    expect(first).toEqual({ orderId: order.orderId, outcome: 'applied', refundedMinor: 5_499 });
    expect(replay.outcome).toBe('already-applied');
    expect(calls.map((call) => call.idempotencyKey)).toEqual([`${order.orderId}:refund`]);
    expect((await reload(order.orderId)).payment).toMatchObject({ status: 'REFUNDED', refundedMinor: 5_499 });
    expect(store.events.map((event) => [event['detail-type'], event.detail.amountMinor])).toEqual([
      ['OrderPaymentRefunded', 5_499],
    ]);
  });

  it('skips an authorization that was never captured', async () => {
    const order = await seedOrder({ payment: authorized });

    expect((await refundPayment(deps, { orderId: order.orderId })).outcome).toBe('skipped');
    expect(calls).toEqual([]);
  });

  it('asks the provider about an authorization once the shipment exists (a capture may have been lost), and writes only that compensation began when it shows none', async () => {
    const order = await seedOrder({
      payment: authorized,
      shipment: { shipmentId: 'shp_1', carrier: 'LocalPost', trackingNumber: 'T', status: 'CREATED' },
    });
    const committed = store.transactions.length;

    expect((await refundPayment(deps, { orderId: order.orderId })).outcome).toBe('skipped');
    expect(calls.map((call) => [call.operation, call.idempotencyKey])).toEqual([
      ['findAuthorization', `${order.orderId}:authorize`],
    ]);
    expect(store.transactions).toHaveLength(committed + 1);
    expect((await reload(order.orderId)).payment).toEqual(authorized);
  });
});

describe('createShipment and cancelShipment', () => {
  it('books the shipment once and records it; a replay is already-applied', async () => {
    const order = await seedOrder();

    const first = await createShipment(deps, { orderId: order.orderId });
    const replay = await createShipment(deps, { orderId: order.orderId });

    expect(first).toEqual({
      orderId: order.orderId,
      outcome: 'applied',
      trackingNumber: `TRK-${order.orderId}`,
    });
    expect(replay).toEqual({ ...first, outcome: 'already-applied' });
    expect(calls.map((call) => [call.operation, call.idempotencyKey])).toEqual([
      ['createShipment', `${order.orderId}:ship`],
    ]);
    expect((await reload(order.orderId)).shipment).toEqual({
      shipmentId: `shp_${order.orderId}`,
      carrier: 'LocalPost',
      trackingNumber: `TRK-${order.orderId}`,
      status: 'CREATED',
    });
    expect(store.events.map((event) => event['detail-type'])).toEqual(['OrderShipmentCreated']);
  });

  it('does not book a shipment for an order being cancelled', async () => {
    const order = await seedOrder({ cancelRequested: true });

    await expect(createShipment(deps, { orderId: order.orderId })).rejects.toThrow(OrderCancelledError);
    expect(calls).toEqual([]);
  });

  it('cancels a created shipment once; a replay is already-applied', async () => {
    const order = await seedOrder();
    await createShipment(deps, { orderId: order.orderId });

    const first = await cancelShipment(deps, { orderId: order.orderId });
    const replay = await cancelShipment(deps, { orderId: order.orderId });

    expect([first.outcome, replay.outcome]).toEqual(['applied', 'already-applied']);
    expect(calls.map((call) => [call.operation, call.idempotencyKey])).toEqual([
      ['createShipment', `${order.orderId}:ship`],
      ['cancelShipment', `${order.orderId}:cancel-shipment`],
    ]);
    expect((await reload(order.orderId)).shipment?.status).toBe('CANCELLED');
  });

  it('never cancels a shipment that has left the warehouse', async () => {
    const order = await seedOrder({
      shipment: { shipmentId: 'shp_1', carrier: 'LocalPost', trackingNumber: 'T', status: 'SHIPPED' },
    });

    expect((await cancelShipment(deps, { orderId: order.orderId })).outcome).toBe('skipped');
    expect(calls).toEqual([]);
  });
});

describe('replays and compensations over the whole saga', () => {
  it('calls each provider at most once per idempotency key however often the forward steps replay', async () => {
    const order = await seedOrder();

    for (let round = 0; round < 3; round++) {
      await authorizePayment(deps, { orderId: order.orderId });
      await createShipment(deps, { orderId: order.orderId });
      await capturePayment(deps, { orderId: order.orderId });
    }

    const keys = calls.map((call) => call.idempotencyKey);
    expect(keys).toEqual([`${order.orderId}:authorize`, `${order.orderId}:ship`, `${order.orderId}:capture`]);
  });

  it('finds nothing to undo on a fresh order: every compensation is skipped, nothing is called, only the start of compensation is written', async () => {
    const order = await seedOrder();
    const committed = store.transactions.length;

    const outcomes = [];
    for (const compensation of [refundPayment, cancelShipment, voidPayment, releaseInventory]) {
      outcomes.push((await compensation(deps, { orderId: order.orderId })).outcome);
    }

    expect(outcomes).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(calls).toEqual([]);
    expect(store.transactions).toHaveLength(committed + 1);
    expect(store.transactions.at(-1)?.events).toEqual([]);
  });
});
