import { beforeEach, describe, expect, it } from 'vitest';
import type { Order } from '../orders/order';
import type { SagaDependencies } from '../saga/saga-step';
import { authorizePayment, voidPayment } from '../saga/steps/authorize-payment';
import { capturePayment, refundPayment } from '../saga/steps/capture-payment';
import { cancelShipment, createShipment } from '../saga/steps/create-shipment';
import { failOrder, type SagaError } from '../saga/steps/fail-order';
import { releaseInventory, reserveInventory } from '../saga/steps/reserve-inventory';
import { backoffDelayMs } from '../shared/backoff';
import type { DomainContext } from '../shared/context';
import { allotmentWrite, loadAllotment, loadOrder } from '../store/repositories';
import { FakeCarrier } from '../testing/fake-carrier';
import { FakePaymentProvider } from '../testing/fake-payment-provider';
import { type InMemoryItemStore, inMemoryContext } from '../testing/in-memory-item-store';
import { fixtureProduct, seedOrder } from '../testing/order-fixtures';
import { settleDueOrders, settleOrder } from './settle-order';
import {
  listOwedSettlements,
  loadSettlement,
  type SettlementPolicy,
  type SettlementRecord,
  settlementWrite,
} from './settlement';

/**
 * A closed order's compensations are never dropped. Before, a compensation that failed after its retries
 * (about 1.4 s locally) was named in the closing event and nothing ever ran it again: the customer kept
 * a held authorization, or a capture was never refunded, while the order said FAILED or CANCELLED.
 */
const policy: SettlementPolicy = { baseDelayMs: 1_000, maxDelayMs: 30_000 };
const product = fixtureProduct({ sku: 'SKU-1', priceMinor: 2_500 });
const START = Date.parse('2025-01-01T00:00:00.000Z');

let now: number;
let ctx: DomainContext;
let store: InMemoryItemStore;
let payments: FakePaymentProvider;
let carrier: FakeCarrier;
let deps: SagaDependencies;

beforeEach(async () => {
  now = START;
  const made = inMemoryContext();
  store = made.store;
  ctx = { ...made.ctx, clock: { now: () => now } };
  payments = new FakePaymentProvider({ now: () => now });
  carrier = new FakeCarrier();
  deps = { ctx, payments, carrier };
  await store.transact([
    allotmentWrite({ sku: 'SKU-1', region: ctx.region, available: 10, reserved: 0, sold: 0 }, 'absent'),
  ]);
});

async function reload(orderId: string): Promise<Order> {
  const order = (await loadOrder(store, orderId))?.value;
  if (!order) throw new Error(`no order ${orderId}`);
  return order;
}

/**
 * The saga's compensation chain as the state machine runs it: each compensation's error is recorded
 * (after its retries, here one try) and the chain goes on to FailOrder.
 */
async function compensateAndClose(orderId: string, error: SagaError): Promise<void> {
  const compensationErrors: Record<string, SagaError> = {};
  const chain = { refundPayment, cancelShipment, voidPayment, releaseInventory };
  for (const [name, step] of Object.entries(chain)) {
    await step(deps, { orderId }).catch((failure: Error) => {
      compensationErrors[name] = { Error: failure.name, Cause: failure.message };
    });
  }
  await failOrder(deps, { orderId, input: { error, compensationErrors } });
}

/** An order whose capture failed for good, with the provider down for every compensation. */
async function failedDuringOutage(): Promise<Order> {
  const order = await seedOrder(ctx, { product, quantity: 2 });
  await reserveInventory(deps, { orderId: order.orderId });
  await authorizePayment(deps, { orderId: order.orderId });
  await createShipment(deps, { orderId: order.orderId });
  payments.down = true;
  const capture = await capturePayment(deps, { orderId: order.orderId }).catch((e: Error) => e);
  await compensateAndClose(order.orderId, { Error: 'TransientError', Cause: String(capture) });
  return reload(order.orderId);
}

describe('an order that closes owing a compensation', () => {
  it('says so: FAILED with the release pending, never claimed done, and due for settlement', async () => {
    const order = await failedDuringOutage();

    expect(order.status).toBe('FAILED');
    // The refund is owed too: with a shipment booked the capture may have landed, and nobody could ask.
    const owed = ['refundPayment', 'voidPayment'];
    expect(order.settlement).toEqual({ status: 'PENDING', owed, since: order.updatedAt });
    expect(order.payment?.status).toBe('AUTHORIZED');
    expect(order.failureReason).not.toMatch(/released|not been charged/);
    expect(store.events.at(-1)).toMatchObject({
      'detail-type': 'OrderFailed',
      detail: { owed },
    });
    expect((await listOwedSettlements(ctx, { limit: 10 })).items.map((r) => r.orderId)).toEqual([
      order.orderId,
    ]);
  });

  it('stays owed while the provider is down, backing off up to the cap, and is settled once it is back', async () => {
    const order = await failedDuringOutage();
    const tries: string[] = [];
    // An hour of outage: the sweep runs every second, the record is due ever more rarely.
    for (let second = 0; second < 3_600; second++) {
      for (const outcome of await settleDueOrders(deps, policy)) tries.push(outcome.outcome);
      now += 1_000;
    }
    const record = (await loadSettlement(ctx, order.orderId))?.value;
    expect(tries.every((outcome) => outcome === 'still-owed')).toBe(true);
    // 1, 2, 4, 8, 16 s, then every 30 s: far fewer tries than seconds.
    expect(tries.length).toBeGreaterThan(100);
    expect(tries.length).toBeLessThan(130);
    expect(record).toMatchObject({
      status: 'PENDING',
      owed: ['refundPayment', 'voidPayment'],
      attempts: tries.length,
    });
    expect(record?.lastError).toMatch(/provider unavailable/);
    expect((await reload(order.orderId)).settlement?.status).toBe('PENDING');

    payments.down = false;
    now += 30_000;
    expect(await settleDueOrders(deps, policy)).toEqual([
      { orderId: order.orderId, outcome: 'settled', settled: ['refundPayment', 'voidPayment'] },
    ]);

    const settled = await reload(order.orderId);
    expect(settled.payment?.status).toBe('VOIDED');
    expect(settled.settlement).toMatchObject({ status: 'SETTLED', owed: [] });
    expect(settled.timeline.map((entry) => entry.type).slice(-2)).toEqual(['PAYMENT_VOIDED', 'SETTLED']);
    expect(payments.of(order.orderId)).toMatchObject([{ status: 'voided', capturedMinor: 0 }]);
    expect(store.events.at(-1)).toMatchObject({
      'detail-type': 'OrderSettled',
      detail: { settled: ['refundPayment', 'voidPayment'], refundedMinor: 0 },
    });
    expect((await listOwedSettlements(ctx, { limit: 10 })).items).toEqual([]);
    expect(await settleDueOrders(deps, policy)).toEqual([]);
  });

  it('once one order settles, brings the others forward instead of leaving them to their backoff', async () => {
    const first = await failedDuringOutage();
    payments.down = false;
    const second = await failedDuringOutage();
    // Both back off: 1, 2, 4, 8, 16, then 30 s.
    for (let tick = 0; tick < 32; tick++) {
      await settleDueOrders(deps, policy);
      now += 1_000;
    }
    const waiting = (await loadSettlement(ctx, second.orderId))?.value.nextAttemptAt ?? '';
    expect(waiting, `${waiting} at ${new Date(now).toISOString()}`).toBe(
      new Date(now + 29_000).toISOString(),
    );

    payments.down = false;
    // The first is due now (a test makes it so); its success brings the second forward.
    const record = await loadSettlement(ctx, first.orderId);
    await store.transact([
      settlementWrite(
        { ...(record?.value as SettlementRecord), nextAttemptAt: new Date(now).toISOString() },
        record?.version,
      ),
    ]);
    expect((await settleDueOrders(deps, policy)).map((outcome) => outcome.outcome)).toEqual(['settled']);
    expect((await settleDueOrders(deps, policy)).map((outcome) => outcome.outcome)).toEqual(['settled']);
    expect((await reload(second.orderId)).settlement?.status).toBe('SETTLED');
  });

  it('refunds a capture whose answer was lost before the order closed', async () => {
    const order = await seedOrder(ctx, { product, quantity: 2 });
    await reserveInventory(deps, { orderId: order.orderId });
    await authorizePayment(deps, { orderId: order.orderId });
    await createShipment(deps, { orderId: order.orderId });
    // The capture lands, its answer is lost; then the provider is down through the compensations.
    payments.loseAnswers = 1;
    await capturePayment(deps, { orderId: order.orderId }).catch(() => undefined);
    payments.down = true;
    await compensateAndClose(order.orderId, { Error: 'TransientError', Cause: 'timeout' });
    expect((await reload(order.orderId)).settlement?.owed).toEqual(['refundPayment', 'voidPayment']);

    payments.down = false;
    await settleOrder(deps, order.orderId, policy);

    const settled = await reload(order.orderId);
    expect(settled.settlement?.status).toBe('SETTLED');
    expect(settled.payment).toMatchObject({ status: 'REFUNDED', refundedMinor: order.totalMinor });
    expect(payments.of(order.orderId)).toMatchObject([
      { status: 'refunded', capturedMinor: order.totalMinor, refundedMinor: order.totalMinor },
    ]);
  });

  it('releases stock that could not be released, once', async () => {
    const order = await seedOrder(ctx, { product, quantity: 3 });
    await reserveInventory(deps, { orderId: order.orderId });
    await failOrder(deps, {
      orderId: order.orderId,
      input: {
        error: { Error: 'TransientError', Cause: 'x' },
        compensationErrors: { releaseInventory: { Error: 'TransientError', Cause: 'database busy' } },
      },
    });

    await settleOrder(deps, order.orderId, policy);
    await settleOrder(deps, order.orderId, policy);

    expect((await loadAllotment(store, 'SKU-1', ctx.region))?.value).toMatchObject({
      available: 10,
      reserved: 0,
    });
    expect((await reload(order.orderId)).settlement?.status).toBe('SETTLED');
  });

  it('a run resumed after the order closed owes what it could not finish, once', async () => {
    const order = await failedDuringOutage();
    const before = store.transactions.length;

    // The same FailOrder again (a resumed execution): the order already owes it; nothing new is written.
    await failOrder(deps, {
      orderId: order.orderId,
      input: { compensationErrors: { voidPayment: { Error: 'TransientError', Cause: 'down' } } },
    });

    expect(store.transactions).toHaveLength(before);
  });

  it('closes without a settlement when every compensation ran', async () => {
    const order = await seedOrder(ctx, { product, quantity: 1 });
    await reserveInventory(deps, { orderId: order.orderId });
    await authorizePayment(deps, { orderId: order.orderId });
    await compensateAndClose(order.orderId, { Error: 'ShipmentRejectedError', Cause: 'no' });

    expect((await reload(order.orderId)).settlement).toBeUndefined();
    expect(await settleOrder(deps, order.orderId, policy)).toEqual({
      orderId: order.orderId,
      outcome: 'nothing-owed',
    });
  });
});

describe('backoffDelayMs', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 40].map((attempts) => backoffDelayMs(attempts, policy))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
});
