import {
  allotmentWrite,
  authorizePayment,
  type DomainContext,
  failOrder,
  loadOrder,
  reserveInventory,
  type SagaDependencies,
  voidPayment,
} from '@meridian/domain';
import {
  FakeCarrier,
  FakePaymentProvider,
  fixtureProduct,
  inMemoryContext,
  seedOrder,
} from '@meridian/domain/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AWS_INTEGRITY_TIMING, createIntegritySweep } from './integrity-sweep';

const product = fixtureProduct({ sku: 'SKU-1', priceMinor: 2_500 });

let now: number;
let ctx: DomainContext;
let payments: FakePaymentProvider;
let deps: SagaDependencies;
let errors: string[];

beforeEach(async () => {
  now = Date.parse('2025-01-01T00:00:00.000Z');
  const made = inMemoryContext();
  ctx = { ...made.ctx, clock: { now: () => now } };
  payments = new FakePaymentProvider({ now: () => now });
  deps = { ctx, payments, carrier: new FakeCarrier() };
  errors = [];
  await ctx.store.transact([
    allotmentWrite({ sku: 'SKU-1', region: ctx.region, available: 10, reserved: 0, sold: 0 }, 'absent'),
  ]);
});

const sweep = () =>
  createIntegritySweep({
    saga: () => deps,
    workflow: () => ({ startOrderSaga: vi.fn(async () => {}) }),
    logger: {
      info: () => undefined,
      warn: () => undefined,
      error: (message) => void errors.push(String(message)),
    },
  });

/** An order that closed FAILED while the provider was down: the release of its authorization is owed. */
async function owingOrder(): Promise<string> {
  const order = await seedOrder(ctx, { product, quantity: 1 });
  await reserveInventory(deps, { orderId: order.orderId });
  await authorizePayment(deps, { orderId: order.orderId });
  payments.down = true;
  const voidError = await voidPayment(deps, { orderId: order.orderId }).catch((error: Error) => error);
  await failOrder(deps, {
    orderId: order.orderId,
    input: {
      error: { Error: 'TransientError', Cause: 'capture timed out' },
      compensationErrors: { voidPayment: { Error: 'TransientError', Cause: String(voidError) } },
    },
  });
  return order.orderId;
}

describe('integrity sweep (AWS)', () => {
  it('settles what closed orders owe once the provider is back, backing off in minutes meanwhile', async () => {
    const orderId = await owingOrder();

    expect(await sweep()({ jobs: ['settle'] })).toMatchObject({ settled: 0, stillOwed: 1 });
    payments.down = false;
    // Due again only after the first backoff (a minute on AWS).
    expect(await sweep()({ jobs: ['settle'] })).toMatchObject({ settled: 0, stillOwed: 0 });
    now += AWS_INTEGRITY_TIMING.settlement.baseDelayMs;
    expect(await sweep()({ jobs: ['settle'] })).toMatchObject({ settled: 1, stillOwed: 0 });

    expect((await loadOrder(ctx.store, orderId))?.value).toMatchObject({
      settlement: { status: 'SETTLED' },
      payment: { status: 'VOIDED' },
    });
  });

  it('reconciles: releases an authorization that reached the provider after its order closed', async () => {
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
    now += AWS_INTEGRITY_TIMING.reconciler.quietMs + 1;

    const result = await sweep()({ jobs: ['reconcile'] });

    expect(result.reconciled).toEqual({ ledgerEntriesRead: 1, ordersChecked: 1, fixed: 1, unresolved: 0 });
    expect(payments.of(order.orderId)).toMatchObject([{ status: 'voided' }]);
  });

  it('runs every job even when one fails, then fails the invocation so its alarm tells an operator', async () => {
    await owingOrder();
    payments.down = false;
    now += AWS_INTEGRITY_TIMING.settlement.baseDelayMs;
    payments.listLedger = async () => {
      throw new Error('provider unreachable');
    };

    await expect(sweep()({ jobs: ['reconcile', 'settle', 'duplicates'] })).rejects.toThrow(
      'integrity jobs failed: reconcile',
    );
    expect(errors).toEqual(['integrity job reconcile failed']);
    // The settlement ran all the same.
    expect(await sweep()({ jobs: ['settle'] })).toMatchObject({ settled: 0, stillOwed: 0 });
  });

  it('refuses an input that names no known job', async () => {
    await expect(sweep()({ jobs: ['settle', 'capture'] })).rejects.toThrow();
    await expect(sweep()({})).rejects.toThrow();
  });
});
