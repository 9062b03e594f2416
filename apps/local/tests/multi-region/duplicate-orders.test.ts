import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type LedgerEntry, newKey, type OrderView, orderBody, waitFor } from '../support/region-harness';
import { type Cluster, type ClusterRegion, storedItem, useTwoRegions } from './support/two-regions';

/**
 * One request accepted by two regions: a retry reached eu-west-1 while us-east-1's answer (and its claim
 * on the key) had not replicated, or the regions could not talk. Both then hold an order for one customer
 * and key. The order that succeeded is kept: a CONFIRMED order is never cancelled for a FAILED twin, and
 * of two CONFIRMED twins the newer one (the retry's) is kept and the other refunded, also after it shipped.
 */
describe('two orders for one Idempotency-Key in two regions', () => {
  let cluster: Cluster;
  let us: ClusterRegion;
  let eu: ClusterRegion;

  useTwoRegions((started) => {
    ({ cluster, us, eu } = started);
  });

  /** Money the customer is out of for these orders: captures minus refunds. */
  const charged = async (...orderIds: string[]) => {
    const ledger: LedgerEntry[] = (
      await Promise.all(orderIds.map((id) => cluster.payments.ledger(id)))
    ).flat();
    const sum = (type: string) => ledger.filter((e) => e.type === type).reduce((t, e) => t + e.amount, 0);
    return sum('capture') - sum('refund');
  };

  /** With the link cut, the same request placed in us-east-1 and 30 ms later in eu-west-1. */
  const placeTwice = async (customer: string, sku = 'PEN-001') => {
    const token = await cluster.token(customer);
    const key = newKey('dup');
    await cluster.setLink(false);
    const first = await cluster.placeOrder(us, orderBody({ sku }), { token, key });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = await cluster.placeOrder(eu, orderBody({ sku }), { token, key });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(first.body.orderId).not.toBe(second.body.orderId);
    const older = await cluster.waitForTerminal(us, first.body.orderId, token);
    const newer = await cluster.waitForTerminal(eu, second.body.orderId, token);
    return { token, key, older, newer };
  };

  const heal = async () => {
    await cluster.setLink(true);
    await cluster.waitForConvergence();
  };

  /** The duplicate sweep decides off the replication path: wait until the order has been cancelled. */
  const cancelledIn = (region: ClusterRegion, orderId: string, token: string) =>
    waitFor(
      async () => {
        const order = await cluster.getOrder(region, orderId, token);
        return order.status === 'CANCELLED' ? (order as OrderView & { duplicateOf?: string }) : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 25, what: `order ${orderId} to be cancelled in ${region.name}` },
    );

  /** Units sold of a SKU in every region, as the region asked sees them. */
  const sold = async (region: ClusterRegion, sku: string) =>
    (await region.request<{ stock: { sold: number } }>(`/products/${sku}`)).body.stock.sold;

  it('keeps the CONFIRMED order when its twin failed out of stock (the only unit was in the other region)', async () => {
    const admin = await cluster.token('admin');
    const created = await us.request('/admin/products', {
      token: admin,
      json: { sku: 'ONE-001', name: 'The only one', priceMinor: 1_000 },
    });
    expect(created.status).toBe(201);
    const restock = await us.request('/admin/products/ONE-001/restock', {
      token: admin,
      json: { quantity: 1, split: [{ region: 'us-east-1', quantity: 1 }] },
    });
    expect(restock.status).toBe(200);
    await cluster.waitForConvergence();

    const { token, older, newer } = await placeTwice('alice', 'ONE-001');
    expect([older.status, newer.status]).toEqual(['CONFIRMED', 'FAILED']);
    await heal();

    for (const region of [us, eu]) {
      await cluster.waitForTerminal(region, older.orderId, token);
      expect(await cluster.getOrder(region, older.orderId, token)).toMatchObject({
        status: 'CONFIRMED',
        cancelRequested: false,
        payment: { status: 'CAPTURED' },
      });
      expect((await cluster.getOrder(region, newer.orderId, token)).status).toBe('FAILED');
    }
    expect(await charged(older.orderId, newer.orderId)).toBe(older.totalMinor);
  });

  it('of two CONFIRMED twins keeps the newer (the retry’s) in both regions and refunds the other', async () => {
    const { token, older, newer } = await placeTwice('bob');
    expect([older.status, newer.status]).toEqual(['CONFIRMED', 'CONFIRMED']);
    await heal();

    for (const region of [us, eu]) {
      const lost = await cancelledIn(region, older.orderId, token);
      expect(lost).toMatchObject({ duplicateOf: newer.orderId, payment: { status: 'REFUNDED' } });
      expect(JSON.stringify(lost.timeline)).toContain(`Duplicate of order ${newer.orderId}`);
      expect(await cluster.getOrder(region, newer.orderId, token)).toMatchObject({
        status: 'CONFIRMED',
        cancelRequested: false,
      });
    }
    expect(await charged(older.orderId, newer.orderId)).toBe(newer.totalMinor);
  });

  it('refunds the loser after both shipped and records its return: nothing is left for a person to do', async () => {
    await cluster.waitForConvergence();
    const soldBefore = await sold(us, 'PEN-001');
    const { token, older, newer } = await placeTwice('alice');
    const admin = await cluster.token('admin');
    const ship = (region: ClusterRegion, orderId: string) =>
      region.request(`/admin/orders/${orderId}/ship`, { method: 'POST', token: admin });
    expect((await ship(us, older.orderId)).status).toBe(200);
    expect((await ship(eu, newer.orderId)).status).toBe(200);
    await heal();

    const lost = await cancelledIn(us, older.orderId, token);
    expect(lost).toMatchObject({
      duplicateOf: newer.orderId,
      payment: { status: 'REFUNDED' },
      shipment: { status: 'RETURN_REQUESTED' },
    });
    expect(lost.timeline.map((entry) => entry.type)).toContain('RETURN_REQUESTED');
    // The parcel is with the customer: its unit stays sold until the return comes back.
    await cluster.waitForConvergence();
    expect(await sold(us, 'PEN-001')).toBe(soldBefore + 2);
    expect(await charged(older.orderId, newer.orderId)).toBe(newer.totalMinor);
  });

  it('decides at the next start when the region died after the other claim arrived', async () => {
    const { token, key, older, newer } = await placeTwice('carol');
    const pk = `IDEMPOTENCY#carol#${key}`;
    const euClaim = storedItem(eu, pk, 'CLAIM#eu-west-1');
    const newerOrder = storedItem(eu, `ORDER#${newer.orderId}`, 'ORDER');
    expect(euClaim && newerOrder).toBeTruthy();
    await us.stop();
    // What the crash left behind: eu-west-1's claim and order applied in us-east-1's file (with their
    // stamps, so pulling them again is a no-op), and nothing decided.
    const file = new Database(us.databaseFile);
    const insert = file.prepare(
      'INSERT OR REPLACE INTO items (pk, sk, data, version, updated_at, writer_region) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const [itemPk, sk, item] of [
      [pk, 'CLAIM#eu-west-1', euClaim],
      [`ORDER#${newer.orderId}`, 'ORDER', newerOrder],
    ] as const) {
      insert.run(itemPk, sk, JSON.stringify(item?.data), item?.version, item?.updatedAt, item?.writerRegion);
    }
    file.close();

    await eu.setLink(true);
    await us.restart();
    expect(us.lastStart?.duplicateKeys).toBe(1);
    await cluster.waitForConvergence();

    const lost = await cancelledIn(us, older.orderId, token);
    expect(lost).toMatchObject({ duplicateOf: newer.orderId, payment: { status: 'REFUNDED' } });
    expect(await charged(older.orderId, newer.orderId)).toBe(newer.totalMinor);
  });

  it('answers a retry in the other region with the first order once its claim has replicated', async () => {
    const token = await cluster.token('bob');
    const key = newKey('retry');
    const first = await cluster.placeOrder(us, orderBody({ sku: 'PEN-001' }), { token, key });
    await cluster.waitForConvergence();

    const retry = await cluster.placeOrder(eu, orderBody({ sku: 'PEN-001' }), { token, key });

    expect(retry.status).toBe(202);
    expect(retry.body.orderId).toBe(first.body.orderId);
  });
});
