import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer } from '../../src/auth/local-issuer';
import { readPaymentsApiKey } from '../../src/auth/local-keys';
import { loadLocalConfig } from '../../src/config/local-config';
import { exited, freePort, startProcess, waitForHealthy } from './process-kit';

interface LedgerEntry {
  type: string;
  order_id: string;
}

const PAYMENT_METHODS = [
  'pm_card_visa',
  'pm_card_visa',
  'pm_card_chargeDeclined',
  'pm_card_transientFailure',
];
const ORDER_COUNT = 40;
const KILL_AFTER_ACKNOWLEDGED = 8;

interface PlacedOrder {
  orderId: string;
  paymentMethod: string;
}

describe('a region process killed with SIGKILL while orders are mid-saga', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-crash-'));
  const children: ChildProcess[] = [];
  let env: Record<string, string>;
  let regionUrl: string;
  let paymentsUrl: string;
  let token: string;
  let adminToken: string;

  const startRegion = async () => {
    const region = startProcess('region/main.ts', { ...env, MERIDIAN_REGION: 'us-east-1' });
    children.push(region);
    await waitForHealthy(`${regionUrl}/api/v1/health`);
    return region;
  };

  beforeAll(async () => {
    const [regionPort, paymentsPort] = [await freePort(), await freePort()];
    regionUrl = `http://127.0.0.1:${regionPort}`;
    paymentsUrl = `http://127.0.0.1:${paymentsPort}`;
    env = {
      MERIDIAN_DATA_DIR: dataDir,
      MERIDIAN_REGIONS: 'us-east-1',
      MERIDIAN_REGION_BASE_PORT: String(regionPort),
      MERIDIAN_PAYMENTS_PORT: String(paymentsPort),
      MERIDIAN_RETRY_INTERVAL_MS: '20',
      // Slow provider calls keep many sagas in flight at the moment of the kill.
      MERIDIAN_PAYMENTS_LATENCY_MS: '40',
    };
    const payments = startProcess('payment-simulator/main.ts', env);
    children.push(payments);
    await waitForHealthy(`${paymentsUrl}/health`);
    const issuer = await LocalIssuer.open(join(dataDir, 'issuer-keys.json'));
    token = await issuer.issue('alice');
    adminToken = await issuer.issue('admin');
  }, 90_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(exited));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes every acknowledged order after a restart, conserving stock and charging each confirmed order once', async () => {
    const region = await startRegion();
    const stockBefore = await stockBySku();

    // Place orders concurrently and kill the region while their sagas are running: as soon as a few are
    // acknowledged (on a slow machine that takes longer, so the kill waits for it rather than a fixed time).
    let acknowledgedSoFar = 0;
    const placements = Array.from({ length: ORDER_COUNT }, (_, index) =>
      placeOrder(index).then((order) => {
        if (order) acknowledgedSoFar++;
        return order;
      }),
    );
    const deadline = Date.now() + 30_000;
    while (acknowledgedSoFar < KILL_AFTER_ACKNOWLEDGED && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    region.kill('SIGKILL');
    await exited(region);
    const placed = (await Promise.all(placements)).filter(
      (order): order is PlacedOrder => order !== undefined,
    );
    const acknowledged = placed.map((order) => order.orderId);
    expect(acknowledged.length).toBeGreaterThan(0);

    // The kill really interrupted work: some acknowledged orders were not finished on disk.
    const unfinishedAtKill = countUnfinished(acknowledged);
    expect(unfinishedAtKill).toBeGreaterThan(0);

    await startRegion();
    const finalOrders = await waitForAllTerminal(acknowledged);

    expect(finalOrders.map((order) => order.orderId).sort()).toEqual([...acknowledged].sort());
    const ledger = await ledgerEntries();
    for (const order of finalOrders) {
      const entries = ledger.filter((entry) => entry.order_id === order.orderId);
      const count = (type: string) => entries.filter((entry) => entry.type === type).length;
      if (order.status === 'CONFIRMED') {
        expect(count('capture'), `captures for ${order.orderId}`).toBe(1);
        expect(count('refund')).toBe(0);
      } else {
        expect(count('capture') - count('refund'), `net captures for failed ${order.orderId}`).toBe(0);
      }
      expect(count('authorization'), `authorizations for ${order.orderId}`).toBeLessThanOrEqual(1);
    }
    // Each order ends as its payment method dictates, crash or not: declines fail, everything else confirms.
    for (const order of placed) {
      const status = finalOrders.find((final) => final.orderId === order.orderId)?.status;
      expect(status, `${order.orderId} paid with ${order.paymentMethod}`).toBe(
        order.paymentMethod === 'pm_card_chargeDeclined' ? 'FAILED' : 'CONFIRMED',
      );
    }

    const stockAfter = await stockBySku();
    for (const [sku, before] of stockBefore) {
      const after = stockAfter.get(sku);
      expect(after, sku).toBeDefined();
      expect((after?.available ?? 0) + (after?.reserved ?? 0) + (after?.sold ?? 0), `units of ${sku}`).toBe(
        before.available + before.reserved + before.sold,
      );
      expect(after?.reserved, `reserved ${sku}`).toBe(0);
    }
    // Orders committed just before the kill but never acknowledged also finish after the restart: every
    // order the region holds is terminal, and sold units match all of its confirmed orders.
    let everyOrder = await allOrders();
    for (
      let waited = 0;
      everyOrder.some((order) => order.status === 'PENDING') && waited < 30_000;
      waited += 200
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      everyOrder = await allOrders();
    }
    expect(everyOrder.filter((order) => order.status === 'PENDING').map((order) => order.orderId)).toEqual(
      [],
    );
    const soldUnits = [...stockAfter.values()].reduce((sum, s) => sum + s.sold, 0);
    const confirmedUnits = everyOrder
      .filter((order) => order.status === 'CONFIRMED')
      .reduce((sum, order) => sum + order.lines.reduce((units, line) => units + line.quantity, 0), 0);
    expect(soldUnits).toBe(confirmedUnits);
  }, 120_000);

  async function placeOrder(index: number): Promise<PlacedOrder | undefined> {
    const paymentMethod = PAYMENT_METHODS[index % PAYMENT_METHODS.length] as string;
    try {
      const response = await fetch(`${regionUrl}/api/v1/orders`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': `crash-${index}`,
        },
        body: JSON.stringify({
          items: [{ sku: index % 2 ? 'MUG-001' : 'NOTE-001', quantity: 1 + (index % 3) }],
          paymentMethod,
          shippingAddress: {
            name: 'Alice',
            line1: '1 Main St',
            city: 'Springfield',
            postalCode: '12345',
            country: 'US',
          },
        }),
      });
      if (response.status !== 202) return undefined;
      return { orderId: ((await response.json()) as { orderId: string }).orderId, paymentMethod };
    } catch {
      // The kill cut this request off before it was acknowledged: the client never got an order id.
      return undefined;
    }
  }

  function countUnfinished(orderIds: string[]): number {
    const db = new BetterSqlite3(join(dataDir, 'us-east-1.sqlite'), { readonly: true });
    try {
      const status = db.prepare(
        "SELECT json_extract(data, '$.status') AS status FROM items WHERE pk = ? AND sk = 'ORDER'",
      );
      return orderIds.filter(
        (id) => (status.get(`ORDER#${id}`) as { status?: string } | undefined)?.status === 'PENDING',
      ).length;
    } finally {
      db.close();
    }
  }

  async function waitForAllTerminal(orderIds: string[]) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const orders = await Promise.all(
        orderIds.map(async (id) => {
          const response = await fetch(`${regionUrl}/api/v1/orders/${id}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          return (await response.json()) as {
            orderId: string;
            status: string;
            lines: Array<{ quantity: number }>;
          };
        }),
      );
      if (orders.every((order) => order.status !== 'PENDING')) return orders;
      if (Date.now() > deadline) {
        throw new Error(
          `still PENDING after restart: ${orders
            .filter((o) => o.status === 'PENDING')
            .map((o) => o.orderId)
            .join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async function allOrders() {
    const orders: Array<{ orderId: string; status: string; lines: Array<{ quantity: number }> }> = [];
    let cursor: string | undefined;
    do {
      const response = await fetch(
        `${regionUrl}/api/v1/admin/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        {
          headers: { authorization: `Bearer ${adminToken}` },
        },
      );
      const page = (await response.json()) as { items: typeof orders; nextCursor?: string };
      orders.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return orders;
  }

  async function stockBySku() {
    const response = await fetch(`${regionUrl}/api/v1/products?limit=100`);
    const page = (await response.json()) as {
      items: Array<{ sku: string; stock: { available: number; reserved: number; sold: number } }>;
    };
    return new Map(page.items.map((product) => [product.sku, product.stock]));
  }

  async function ledgerEntries(): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    let after: string | undefined;
    for (;;) {
      const response = await fetch(
        `${paymentsUrl}/v1/ledger?limit=100${after ? `&starting_after=${after}` : ''}`,
        { headers: { authorization: `Bearer ${readPaymentsApiKey(loadLocalConfig(env))}` } },
      );
      if (!response.ok) throw new Error(`ledger: HTTP ${response.status}`);
      const page = (await response.json()) as {
        data: Array<LedgerEntry & { id: string }>;
        has_more: boolean;
      };
      entries.push(...page.data);
      if (!page.has_more) return entries;
      after = page.data.at(-1)?.id;
    }
  }
});
