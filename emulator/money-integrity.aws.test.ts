import { randomUUID } from 'node:crypto';
import { HttpPaymentProvider } from '@meridian/adapters-node';
import { type Order, stepKey } from '@meridian/domain';
import type { IntegritySweepResult } from '@meridian/functions/integrity/integrity-sweep';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { type EmulatedRegion, startEmulatedRegion } from './support/emulated-region';
import { acceptTwinInPeer } from './support/peer-region';
import { orderBody, Shop, waitFor } from './support/shop';
import { EMULATED_REGION, PEER_REGION } from './support/synthesize-region';

/**
 * Money is settled, never dropped (docs/architecture.md), on the emulated AWS region: compensations the
 * provider refuses through all the state machine's retries are owed and the order closes saying so; the
 * deployed IntegritySweep settles them, reconciles the provider's ledger, and decides a key two regions
 * accepted, each job invoked as its schedule invokes it. Step Functions waits 1/50 of each retry interval
 * (emulator/moto-server.py), so a compensation's 9 attempts take 5 s instead of 4 minutes; the sweep's
 * own backoffs (a minute and more) pass by running it with its clock ahead.
 */

const STEP_FUNCTIONS_TIME_SCALE = 0.02;
const MINUTE = 60_000;

let region: EmulatedRegion;
let shop: Shop;
/** The function the integrity schedules target (its `live` alias). */
let integritySweep: string;

beforeAll(async () => {
  region = await startEmulatedRegion({
    assemblyDir: inject('assemblyDir'),
    stepFunctionsTimeScale: STEP_FUNCTIONS_TIME_SCALE,
  });
  shop = await Shop.open(region);
  await Promise.all([
    shop.addProduct('OWED-001', 10),
    shop.addProduct('LATE-001', 10),
    shop.addProduct('TWIN-001', 10),
  ]);
  integritySweep = scheduledTarget(['settle', 'duplicates']);
  expect(scheduledTarget(['reconcile'])).toBe(integritySweep);
});
afterEach(async () => {
  await shop.setProviderChaos({ errorRate: 0 });
});
afterAll(async () => {
  await region?.close();
});

/** The target of the schedule rule whose input runs exactly these jobs. */
function scheduledTarget(jobs: string[]): string {
  const targets = region.ruleTargets
    .schedules()
    .flatMap((rule) => rule.targets)
    .filter((target) => target.input === JSON.stringify({ jobs }));
  const [target] = targets;
  if (!target || targets.length > 1)
    throw new Error(`expected one schedule running ${jobs}, found ${targets.length}`);
  return target.arn;
}

/** Invokes the integrity sweep with these jobs, as its schedule does, `aheadMs` in the future. */
async function sweep(jobs: string[], aheadMs = 0): Promise<IntegritySweepResult> {
  await region.host.setClockAhead(integritySweep, aheadMs);
  const result = await region.host.invoke(integritySweep, { jobs });
  if (!result.ok) throw new Error(`IntegritySweep ${jobs}: ${result.error.errorMessage}`);
  return result.payload as IntegritySweepResult;
}

const timeline = (order: Order) => order.timeline.map((entry) => entry.type);
const ledgerTypes = async (order: Order) => (await shop.ledger(order.orderId)).map((entry) => entry.type);

/** How many attempts of a state failed in an execution (named after the order, `-cancel` for a cancellation). */
async function failedAttempts(execution: string, state: string): Promise<number> {
  const history = await region.api.request<{ items: Array<{ state?: string; error?: string }> }>(
    'GET',
    `/api/v1/admin/executions/${execution}/history`,
    { token: shop.admin },
  );
  expect(history.status).toBe(200);
  return history.body.items.filter((event) => event.state === state && event.error).length;
}

/** The customer's notification of one kind about an order, once the consumer has recorded it. */
function notification(orderId: string, eventType: string): Promise<string> {
  return waitFor(
    async () => (await shop.notificationsOf(orderId)).find((n) => n.eventType === eventType)?.body,
    { what: `the ${eventType} notification of ${orderId}` },
  );
}

describe('settlement: a compensation the provider refused is owed, then settled', () => {
  // Two orders through an outage and three sweeps: longer than one saga on a busy machine.
  it('closes the order with its settlement PENDING after 9 attempts, and the settle job finishes it once the provider is back and the backoff has passed', {
    timeout: 120_000,
  }, async () => {
    const stock = await shop.stockOf('OWED-001');
    // Confirmed before the outage, cancelled during it: its refund cannot be made.
    const toCancel = await shop.place(orderBody({ sku: 'OWED-001' }));
    expect((await shop.waitForTerminal(toCancel.body.orderId)).status).toBe('CONFIRMED');
    // Shipped and about to be captured when the provider goes down: the capture fails, then the void.
    const capture = region.host.hold(functionNamed('CapturePayment'));
    let toFail: string;
    try {
      toFail = (await shop.place(orderBody({ sku: 'OWED-001', quantity: 2 }))).body.orderId;
      await shop.waitFor(toFail, (order) => timeline(order).includes('SHIPMENT_CREATED'));
      await shop.setProviderChaos({ errorRate: 1 });
    } finally {
      capture.release();
    }
    expect((await shop.cancel(toCancel.body.orderId)).status).toBe(202);

    const [failed, cancelled] = await Promise.all([
      shop.waitForTerminal(toFail, 60_000),
      shop.waitForTerminal(toCancel.body.orderId, 60_000),
    ]);

    // The state machine tried each compensation 9 times (8 retries, as deployed), then closed the order.
    expect(await failedAttempts(failed.orderId, 'VoidPayment')).toBe(9);
    expect(await failedAttempts(`${cancelled.orderId}-cancel`, 'RefundPayment')).toBe(9);
    expect(failed).toMatchObject({
      status: 'FAILED',
      failureReason: 'We could not complete your order because of a technical problem.',
      inventory: 'RELEASED',
      payment: { status: 'AUTHORIZED' },
      settlement: { status: 'PENDING', owed: ['voidPayment'] },
    });
    expect(cancelled).toMatchObject({
      status: 'CANCELLED',
      payment: { status: 'CAPTURED' },
      shipment: { status: 'CANCELLED' },
      settlement: { status: 'PENDING', owed: ['refundPayment'] },
    });
    expect(await shop.exposure(failed.orderId)).toEqual({ charged: 0, held: 1 });
    expect(await shop.exposure(cancelled.orderId)).toEqual({ charged: cancelled.totalMinor, held: 0 });
    expect(await shop.stockOf('OWED-001')).toEqual(stock);
    // The customer is told what is pending, never that it is done; the operator sees what is owed.
    expect(await notification(failed.orderId, 'OrderFailed')).toContain(
      'Releasing the hold on your card is pending',
    );
    expect(await notification(cancelled.orderId, 'OrderCancelled')).toContain('Your refund is pending');
    expect(await owedSettlements()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ orderId: failed.orderId, owed: ['voidPayment'] }),
        expect.objectContaining({ orderId: cancelled.orderId, owed: ['refundPayment'] }),
      ]),
    );

    // Due at once, but the provider is still down: each order backs off (a minute first).
    expect(await sweep(['settle'])).toMatchObject({ settled: 0, stillOwed: 2 });
    await shop.setProviderChaos({ errorRate: 0 });
    expect(await sweep(['settle'])).toMatchObject({ settled: 0, stillOwed: 0 });
    expect(await shop.exposure(failed.orderId)).toEqual({ charged: 0, held: 1 });
    // A minute later both are due again, and the provider answers.
    expect(await sweep(['settle'], MINUTE + 5_000)).toMatchObject({ settled: 2, stillOwed: 0 });

    const [voided, refunded] = await Promise.all([shop.order(failed.orderId), shop.order(cancelled.orderId)]);
    expect(voided).toMatchObject({
      payment: { status: 'VOIDED' },
      settlement: { status: 'SETTLED', owed: [] },
    });
    expect(refunded).toMatchObject({
      payment: { status: 'REFUNDED', refundedMinor: cancelled.totalMinor },
      settlement: { status: 'SETTLED', owed: [] },
    });
    expect(timeline(voided).at(-1)).toBe('SETTLED');
    expect(timeline(refunded).at(-1)).toBe('SETTLED');
    expect(await ledgerTypes(voided)).toEqual(['authorization', 'void']);
    expect(await ledgerTypes(refunded)).toEqual(['authorization', 'capture', 'refund']);
    expect(await shop.exposure(refunded.orderId)).toEqual({ charged: 0, held: 0 });
    expect(await owedSettlements()).toEqual([]);
    expect(await notification(refunded.orderId, 'OrderSettled')).toContain('has been made');
    expect(await notification(voided.orderId, 'OrderSettled')).toContain('You have not been charged');
  });
});

describe('reconciliation: money that reached the provider after its order closed', () => {
  it('a reconcile pass leaves entries younger than its quiet period, then voids the live authorization of the closed order', async () => {
    await shop.setProviderChaos({ errorRate: 1 });
    const placed = await shop.place(orderBody({ sku: 'LATE-001' }));
    const order = await shop.waitForTerminal(placed.body.orderId);
    await shop.setProviderChaos({ errorRate: 0 });
    expect(order).toMatchObject({ status: 'FAILED', inventory: 'RELEASED' });
    expect(order.payment).toBeUndefined();
    expect(order.settlement).toBeUndefined();
    // The saga's own authorization request (its key, amount and card), held by a slow provider past every
    // look the saga took, lands now. (Timing a held request against the saga's retries would be a race.)
    const late = await provider().authorize({
      idempotencyKey: stepKey(order.orderId, 'authorize'),
      orderId: order.orderId,
      amountMinor: order.totalMinor,
      currency: order.currency,
      paymentMethod: order.paymentMethod,
    });
    expect(await shop.exposure(order.orderId)).toEqual({ charged: 0, held: 1 });

    // Younger than the quiet period (2 minutes on AWS): left for a later pass.
    expect((await sweep(['reconcile'])).reconciled).toMatchObject({ fixed: 0, unresolved: 0 });
    expect(await shop.exposure(order.orderId)).toEqual({ charged: 0, held: 1 });

    const pass = await sweep(['reconcile'], 2 * MINUTE + 5_000);

    expect(pass.reconciled).toMatchObject({ fixed: 1, unresolved: 0 });
    expect(await ledgerTypes(order)).toEqual(['authorization', 'void']);
    const released = await shop.order(order.orderId);
    expect(released.payment).toMatchObject({ authorizationId: late.authorizationId, status: 'VOIDED' });
    expect(released.timeline.at(-1)).toMatchObject({
      type: 'PAYMENT_VOIDED',
      detail: 'released by the payment reconciler',
    });
    const report = await region.api.request<{ report: { fixed: unknown[]; unresolved: unknown[] } }>(
      'GET',
      '/api/v1/admin/reconciliation',
      { token: shop.admin },
    );
    expect(report.body.report).toMatchObject({
      fixed: [
        {
          orderId: order.orderId,
          authorizationId: late.authorizationId,
          action: 'voided',
          amountMinor: order.totalMinor,
        },
      ],
      unresolved: [],
    });
  });
});

describe('one Idempotency-Key, one live order', () => {
  it('a peer’s claim on a key this region also accepted reaches the stream consumer, and the duplicates job cancels and refunds the order not kept', async () => {
    const key = randomUUID();
    const body = orderBody({ sku: 'TWIN-001' });
    const placed = await shop.place(body, key);
    const mine = await shop.waitForTerminal(placed.body.orderId);
    expect(mine.status).toBe('CONFIRMED');

    const twin = await acceptTwinInPeer(region, PEER_REGION, {
      customerId: mine.customerId,
      idempotencyKey: key,
      body,
    });

    // The peer's claim passed the synthesized filter to the stream consumer; this region's own did not.
    const claimsDelivered = () =>
      region.streamFeed.delivered
        .map((record) => record.dynamodb as { NewImage?: { pk?: { S?: string }; sk?: { S?: string } } })
        .filter((image) => image.NewImage?.pk?.S?.endsWith(`#${key}`))
        .map((image) => image.NewImage?.sk?.S);
    await waitFor(async () => (claimsDelivered().includes(`CLAIM#${PEER_REGION}`) ? true : undefined), {
      what: `the peer's claim on ${key} at the stream consumer`,
    });
    expect(claimsDelivered()).not.toContain(`CLAIM#${EMULATED_REGION}`);

    // Both twins confirmed: the newer one (the peer's) is kept, this region's is cancelled and refunded.
    expect(await sweep(['duplicates'])).toMatchObject({ duplicatesResolved: 1, duplicatesWaiting: 0 });
    const cancelled = await shop.waitForTerminal(mine.orderId);

    expect(cancelled).toMatchObject({
      status: 'CANCELLED',
      duplicateOf: twin.orderId,
      payment: { status: 'REFUNDED' },
      shipment: { status: 'CANCELLED' },
    });
    expect(cancelled.settlement).toBeUndefined();
    // Refunded by the saga's cancellation run (its execution, `<orderId>-cancel`, refunded at once).
    expect(await failedAttempts(`${cancelled.orderId}-cancel`, 'RefundPayment')).toBe(0);
    expect(await ledgerTypes(cancelled)).toEqual(['authorization', 'capture', 'refund']);
    expect(await shop.exposure(cancelled.orderId)).toEqual({ charged: 0, held: 0 });
    expect((await shop.order(twin.orderId)).status).toBe('CONFIRMED');
    expect(await shop.exposure(twin.orderId)).toEqual({ charged: twin.totalMinor, held: 0 });
    expect(await notification(cancelled.orderId, 'OrderCancelled')).toContain(
      `It duplicated order ${twin.orderId}, which you keep.`,
    );
    // Decided once: the next run has nothing left to do for the key.
    expect(await sweep(['duplicates'])).toMatchObject({ duplicatesResolved: 0, duplicatesWaiting: 0 });
  });
});

function functionNamed(prefix: string): string {
  const name = region.host.names.find((candidate) => candidate.startsWith(prefix));
  if (!name) throw new Error(`no function ${prefix} is deployed`);
  return name;
}

function provider(): HttpPaymentProvider {
  const { url, apiKey } = region.payments;
  return new HttpPaymentProvider({ baseUrl: url, ...(apiKey === undefined ? {} : { apiKey }) });
}

async function owedSettlements(): Promise<Array<{ orderId: string; owed: string[] }>> {
  const page = await region.api.request<{ items: Array<{ orderId: string; owed: string[] }> }>(
    'GET',
    '/api/v1/admin/settlements?limit=100',
    { token: shop.admin },
  );
  expect(page.status).toBe(200);
  return page.body.items;
}
