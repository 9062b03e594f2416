import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type LedgerEntry,
  newKey,
  type OrderView,
  orderBody,
  startTestRegion,
  type TestRegion,
  waitFor,
} from '../support/region-harness';

/**
 * Closed orders never keep the customer's money. Before, a compensation gave up after its retries (about
 * 1.4 s locally), the order closed anyway and nothing settled it later: an order whose capture failed
 * during a 3 s provider outage ended FAILED with its authorization still holding the customer's funds,
 * and a confirmed order cancelled during one ended CANCELLED, captured and never refunded.
 */

interface SettledView extends OrderView {
  settlement?: { status: 'PENDING' | 'SETTLED'; owed: string[]; since: string; settledAt?: string };
}

let harness: TestRegion;
let alice: string;
let admin: string;

beforeAll(async () => {
  harness = await startTestRegion();
  [alice, admin] = await Promise.all([harness.token('alice'), harness.token('admin')]);
});
afterEach(async () => {
  await harness.payments.setChaos({ latencyMs: 0, errorRate: 0 });
});
afterAll(async () => {
  await harness?.close();
});

const timeline = (order: OrderView) => order.timeline.map((entry) => entry.type);

/** What the customer is out of: captures minus refunds, and authorizations neither voided nor captured. */
function exposure(ledger: LedgerEntry[]): { charged: number; held: number } {
  const sum = (type: LedgerEntry['type']) =>
    ledger.filter((entry) => entry.type === type).reduce((total, entry) => total + entry.amount, 0);
  const closed = new Set(
    ledger.filter((e) => e.type === 'void' || e.type === 'capture').map((e) => e.authorization_id),
  );
  const held = ledger.filter((e) => e.type === 'authorization' && !closed.has(e.id)).length;
  return { charged: sum('capture') - sum('refund'), held };
}

async function placed(sku: string): Promise<OrderView> {
  const response = await harness.placeOrder(orderBody({ sku }), { token: alice, key: newKey() });
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return response.body;
}

const order = (orderId: string) => harness.getOrder(orderId, alice) as Promise<SettledView>;

/** Waits until the order shows `step` in its timeline. */
const reached = (orderId: string, step: string) =>
  waitFor(async () => (timeline(await order(orderId)).includes(step) ? true : undefined), {
    intervalMs: 2,
    what: `${step} on ${orderId}`,
  });

async function outage(ms: number): Promise<void> {
  await harness.payments.setChaos({ latencyMs: 0, errorRate: 1 });
  setTimeout(() => void harness.payments.setChaos({ errorRate: 0 }), ms);
}

describe('a provider outage while an order compensates', () => {
  it('the order fails with its release pending, and the authorization is voided once the provider is back', async () => {
    // Slow enough to catch the order between authorization and capture.
    await harness.payments.setChaos({ latencyMs: 200, errorRate: 0 });
    const { orderId } = await placed('NOTE-001');
    await reached(orderId, 'SHIPMENT_CREATED');
    await outage(3_000);

    const closed = await waitFor(async () => {
      const current = await order(orderId);
      return current.status === 'FAILED' ? current : undefined;
    });
    expect(closed.settlement).toMatchObject({ status: 'PENDING', owed: ['voidPayment'] });
    expect(closed.failureReason).not.toMatch(/released|not been charged/);
    const told = await harness.request<{ items: Array<{ orderId: string; body: string }> }>(
      '/notifications',
      {
        token: alice,
      },
    );
    const failed = told.body.items.find(
      (item) => item.orderId === orderId && /could not complete/.test(item.body),
    );
    expect(failed?.body).toMatch(/Releasing the hold on your card is pending/);
    const owed = await harness.request<{ items: Array<{ orderId: string; owed: string[] }> }>(
      '/admin/settlements',
      { token: admin },
    );
    expect(owed.body.items).toMatchObject([{ orderId, owed: ['voidPayment'] }]);
    expect(exposure(await harness.payments.ledger(orderId))).toEqual({ charged: 0, held: 1 });

    const settled = await waitFor(
      async () => {
        const current = await order(orderId);
        return current.settlement?.status === 'SETTLED' ? current : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'the order to settle' },
    );
    expect(settled.payment?.status).toBe('VOIDED');
    expect(timeline(settled).slice(-2)).toEqual(['PAYMENT_VOIDED', 'SETTLED']);
    expect(exposure(await harness.payments.ledger(orderId))).toEqual({ charged: 0, held: 0 });
    expect(
      (await harness.request<{ items: unknown[] }>('/admin/settlements', { token: admin })).body.items,
    ).toEqual([]);
  });

  it('a confirmed order cancelled during the outage ends CANCELLED with its refund pending, then refunded', async () => {
    const confirmed = await harness.waitForTerminal((await placed('NOTE-001')).orderId, alice);
    expect(confirmed.status).toBe('CONFIRMED');
    await outage(3_000);
    const cancel = await harness.request(`/orders/${confirmed.orderId}/cancel`, {
      method: 'POST',
      token: alice,
    });
    expect(cancel.status).toBe(202);

    const closed = await waitFor(async () => {
      const current = await order(confirmed.orderId);
      return current.status === 'CANCELLED' ? current : undefined;
    });
    expect(closed.settlement).toMatchObject({ status: 'PENDING', owed: ['refundPayment'] });
    expect(closed.payment?.status).toBe('CAPTURED');
    const notifications = await harness.request<{ items: Array<{ orderId: string; body: string }> }>(
      '/notifications',
      { token: alice },
    );
    const told = notifications.body.items.find(
      (item) => item.orderId === confirmed.orderId && /cancelled/i.test(item.body),
    );
    expect(told?.body).toMatch(/pending/);
    expect(told?.body).not.toMatch(/not been charged/);

    const settled = await waitFor(
      async () => {
        const current = await order(confirmed.orderId);
        return current.settlement?.status === 'SETTLED' ? current : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'the refund to settle' },
    );
    expect(settled.payment).toMatchObject({ status: 'REFUNDED', refundedMinor: confirmed.totalMinor });
    expect(exposure(await harness.payments.ledger(confirmed.orderId))).toEqual({ charged: 0, held: 0 });
  });
});
