import { beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../orders/order';
import type { SagaDependencies } from '../saga/saga-step';
import { authorizePayment, voidPayment } from '../saga/steps/authorize-payment';
import { capturePayment, refundPayment } from '../saga/steps/capture-payment';
import { confirmOrder } from '../saga/steps/confirm-order';
import { cancelShipment, createShipment } from '../saga/steps/create-shipment';
import { failOrder } from '../saga/steps/fail-order';
import { releaseInventory, reserveInventory } from '../saga/steps/reserve-inventory';
import type { DomainContext } from '../shared/context';
import { allotmentWrite, loadOrder } from '../store/repositories';
import { FakeCarrier } from '../testing/fake-carrier';
import { FakePaymentProvider } from '../testing/fake-payment-provider';
import { type InMemoryItemStore, inMemoryContext } from '../testing/in-memory-item-store';
import { fixtureProduct, seedOrder } from '../testing/order-fixtures';
import { type ReconcilerOptions, reconcilePayments } from './reconcile-payments';
import { countWatches, loadReport } from './reconciliation-state';

/**
 * The reconciler compares the provider's ledger with the orders. It exists for what the saga and
 * settlement cannot see: an answer that reaches the provider after every compensation has looked for it
 * (a request held by a slow provider past the client's timeout). Before, such money stayed held: closed
 * orders with a live authorization, FAILED orders with a capture and no refund.
 */
const options: ReconcilerOptions = {
  quietMs: 10_000,
  pageSize: 2,
  maxPages: 50,
  recheckMs: 5_000,
  maxRecheckMs: 60_000,
};
const product = fixtureProduct({ sku: 'SKU-1', priceMinor: 2_500 });

let now: number;
let ctx: DomainContext;
let store: InMemoryItemStore;
let payments: FakePaymentProvider;
let deps: SagaDependencies;

beforeEach(async () => {
  now = Date.parse('2025-01-01T00:00:00.000Z');
  const made = inMemoryContext({ regions: ['us-east-1', 'eu-west-1'] });
  store = made.store;
  ctx = { ...made.ctx, clock: { now: () => now } };
  payments = new FakePaymentProvider({ now: () => now });
  deps = { ctx, payments, carrier: new FakeCarrier() };
  await store.transact([
    allotmentWrite({ sku: 'SKU-1', region: ctx.region, available: 100, reserved: 0, sold: 0 }, 'absent'),
  ]);
});

async function reload(orderId: string): Promise<Order> {
  const order = (await loadOrder(store, orderId))?.value;
  if (!order) throw new Error(`no order ${orderId}`);
  return order;
}

const reconcile = () => reconcilePayments(deps, options);
/** Lets the quiet period pass, so the ledger entries so far are read. */
const later = (ms = options.quietMs + 1) => {
  now += ms;
};

async function confirmed(): Promise<Order> {
  const order = await seedOrder(ctx, { product, quantity: 1 });
  for (const step of [reserveInventory, authorizePayment, createShipment, capturePayment, confirmOrder])
    await step(deps, { orderId: order.orderId });
  return reload(order.orderId);
}

async function closeAfter(orderId: string, failed: Promise<unknown>): Promise<void> {
  await failed.catch(() => undefined);
  const compensationErrors: Record<string, { Error: string; Cause: string }> = {};
  const chain = { refundPayment, cancelShipment, voidPayment, releaseInventory };
  for (const [name, step] of Object.entries(chain)) {
    await step(deps, { orderId }).catch((error: Error) => {
      compensationErrors[name] = { Error: error.name, Cause: error.message };
    });
  }
  await failOrder(deps, {
    orderId,
    input: { error: { Error: 'TransientError', Cause: 'timeout' }, compensationErrors },
  });
}

describe('reconcilePayments', () => {
  it('voids an authorization that reached the provider after the order closed', async () => {
    const order = await seedOrder(ctx, { product, quantity: 1 });
    await reserveInventory(deps, { orderId: order.orderId });
    // Every authorize attempt times out; the provider applies none until the saga has given up (the
    // void step looked it up and found nothing).
    payments.down = true;
    const authorizing = authorizePayment(deps, { orderId: order.orderId });
    await authorizing.catch(() => undefined);
    payments.down = false;
    await closeAfter(order.orderId, authorizing);
    expect((await reload(order.orderId)).settlement).toBeUndefined();
    expect((await reload(order.orderId)).status).toBe('FAILED');
    // The held request lands late.
    await payments.authorize({
      idempotencyKey: `${order.orderId}:authorize`,
      orderId: order.orderId,
      amountMinor: order.totalMinor,
      currency: 'USD',
      paymentMethod: 'pm_card_visa',
    });
    later();

    const report = await reconcile();

    expect(report.fixed).toEqual([
      { orderId: order.orderId, authorizationId: 'auth_1', action: 'voided', amountMinor: order.totalMinor },
    ]);
    expect(payments.of(order.orderId)).toMatchObject([{ status: 'voided' }]);
    const after = await reload(order.orderId);
    expect(after.payment).toMatchObject({ authorizationId: 'auth_1', status: 'VOIDED' });
    expect(after.timeline.at(-1)).toMatchObject({
      type: 'PAYMENT_VOIDED',
      detail: 'released by the payment reconciler',
    });
    expect(store.events.some((e) => e.detail.reconciled === true)).toBe(true);
    expect((await loadReport(ctx))?.value.totals).toMatchObject({ passes: 1, fixed: 1 });
  });

  it('refunds a capture that landed while the FAILED order still says AUTHORIZED, and never twice', async () => {
    const order = await seedOrder(ctx, { product, quantity: 1 });
    await reserveInventory(deps, { orderId: order.orderId });
    await authorizePayment(deps, { orderId: order.orderId });
    await createShipment(deps, { orderId: order.orderId });
    // The capture times out and every compensation finds the provider down; settlement will see it too,
    // but here the order closed with nothing owed (an older order, or a provider that lied).
    payments.down = true;
    await capturePayment(deps, { orderId: order.orderId }).catch(() => undefined);
    payments.down = false;
    await failOrder(deps, { orderId: order.orderId, input: { error: { Error: 'TransientError' } } });
    await payments.capture({
      idempotencyKey: `${order.orderId}:capture`,
      authorizationId: 'auth_1',
      amountMinor: order.totalMinor,
    });
    later();

    const first = await reconcile();
    later();
    const second = await reconcile();

    expect(first.fixed).toMatchObject([{ action: 'refunded', amountMinor: order.totalMinor }]);
    expect(second.fixed).toEqual([]);
    expect(payments.of(order.orderId)).toMatchObject([
      { status: 'refunded', capturedMinor: order.totalMinor, refundedMinor: order.totalMinor },
    ]);
    expect((await reload(order.orderId)).payment).toMatchObject({ status: 'REFUNDED' });
  });

  it('leaves a confirmed order alone without asking the provider', async () => {
    await confirmed();
    later();
    payments.calls.length = 0;

    const report = await reconcile();

    expect(report).toMatchObject({ ledgerEntriesRead: 2, ordersChecked: 1, fixed: [], unresolved: [] });
    expect(payments.calls.every((call) => call.startsWith('ledger'))).toBe(true);
  });

  it('never captures: a confirmed order the provider shows refunded is reported, not fixed', async () => {
    const order = await confirmed();
    // Someone refunded it at the provider by hand.
    await payments.refund({
      idempotencyKey: 'by-hand',
      authorizationId: 'auth_1',
      amountMinor: order.totalMinor,
    });
    later();
    payments.calls.length = 0;

    const report = await reconcile();

    expect(report.unresolved).toEqual([
      {
        orderId: order.orderId,
        reason: `the order is CONFIRMED but the provider shows its payment refunded (0 of ${order.totalMinor} captured)`,
      },
    ]);
    expect(payments.calls.filter((call) => /^(capture|authorize)/.test(call))).toEqual([]);
    expect(await countWatches(ctx)).toBe(1);
  });

  it('watches an order still open when it is checked, and fixes it once it has closed', async () => {
    const order = await seedOrder(ctx, { product, quantity: 1 });
    await reserveInventory(deps, { orderId: order.orderId });
    await authorizePayment(deps, { orderId: order.orderId });
    later();

    const first = await reconcile();
    expect(first).toMatchObject({ waiting: 1, fixed: [] });
    expect(await countWatches(ctx)).toBe(1);

    // It closes FAILED with the authorization left behind (a void whose answer was lost and recorded nowhere).
    await failOrder(deps, { orderId: order.orderId, input: { error: { Error: 'TransientError' } } });
    later(options.recheckMs);
    const second = await reconcile();

    expect(second.fixed).toMatchObject([{ orderId: order.orderId, action: 'voided' }]);
    expect(await countWatches(ctx)).toBe(0);
  });

  it('leaves an order that still owes a settlement to the settlement sweep', async () => {
    const order = await seedOrder(ctx, { product, quantity: 1 });
    await reserveInventory(deps, { orderId: order.orderId });
    await authorizePayment(deps, { orderId: order.orderId });
    payments.down = true;
    await closeAfter(order.orderId, Promise.reject(new Error('capture failed')));
    payments.down = false;
    expect((await reload(order.orderId)).settlement?.status).toBe('PENDING');
    later();
    payments.calls.length = 0;

    const report = await reconcile();

    expect(report.waiting).toBe(1);
    expect(payments.calls.filter((call) => !call.startsWith('ledger'))).toEqual([]);
  });

  it('reads nothing younger than the quiet period, and ignores other regions’ orders', async () => {
    await payments.authorize({
      idempotencyKey: 'k1',
      orderId: 'ord_01ABC_eu-west-1',
      amountMinor: 100,
      currency: 'USD',
      paymentMethod: 'pm_card_visa',
    });
    later();
    const order = await seedOrder(ctx, { product, quantity: 1 });
    await reserveInventory(deps, { orderId: order.orderId });
    await authorizePayment(deps, { orderId: order.orderId });

    const report = await reconcile();

    expect(report).toMatchObject({ ledgerEntriesRead: 1, ordersChecked: 0 });
    expect(payments.of('ord_01ABC_eu-west-1')).toMatchObject([{ status: 'authorized' }]);
  });

  it('keeps watching what the provider could not release, and releases it when it can', async () => {
    const order = await seedOrder(ctx, { product, quantity: 1 });
    await reserveInventory(deps, { orderId: order.orderId });
    await failOrder(deps, { orderId: order.orderId, input: { error: { Error: 'TransientError' } } });
    await payments.authorize({
      idempotencyKey: `${order.orderId}:authorize`,
      orderId: order.orderId,
      amountMinor: order.totalMinor,
      currency: 'USD',
      paymentMethod: 'pm_card_visa',
    });
    later();
    // The ledger answers; the list and the void do not.
    const listAuthorizations = payments.listAuthorizations.bind(payments);
    payments.listAuthorizations = async () => {
      throw new Error('provider unavailable');
    };

    const first = await reconcile();
    expect(first.unresolved).toMatchObject([{ orderId: order.orderId }]);

    payments.listAuthorizations = listAuthorizations;
    later(options.recheckMs);
    const second = await reconcile();
    expect(second.fixed).toMatchObject([{ orderId: order.orderId, action: 'voided' }]);
    expect(second.totals).toMatchObject({ passes: 2, fixed: 1, unresolved: 1 });
  });
});
