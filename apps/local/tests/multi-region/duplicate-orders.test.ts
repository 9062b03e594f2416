import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { newKey, orderBody } from '../support/region-harness';
import { type Cluster, type ClusterRegion, storedItem, useTwoRegions } from './support/two-regions';

/**
 * One request accepted by two regions: a retry reached eu-west-1 while us-east-1's answer (and its
 * idempotency record) had not replicated. Both regions then hold an order for one customer + key. The
 * key records collide last-writer-wins, and the region whose order lost cancels it (refunding it), live
 * when the record arrives, or at its next start if it crashed between applying the record and cancelling.
 */
describe('two orders for one Idempotency-Key in two regions', () => {
  let cluster: Cluster;
  let us: ClusterRegion;
  let eu: ClusterRegion;

  useTwoRegions((started) => {
    ({ cluster, us, eu } = started);
  });

  /** With the link cut, the same request placed in us-east-1 first, then in eu-west-1: both confirm. */
  const placeTwice = async (customer: string) => {
    const token = await cluster.token(customer);
    const key = newKey('dup');
    await cluster.setLink(false);
    const first = await cluster.placeOrder(us, orderBody({ sku: 'PEN-001' }), { token, key });
    const second = await cluster.placeOrder(eu, orderBody({ sku: 'PEN-001' }), { token, key });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(first.body.orderId).not.toBe(second.body.orderId);
    expect(first.body.idempotencyKey).toBe(key);
    expect((await cluster.waitForTerminal(us, first.body.orderId, token)).status).toBe('CONFIRMED');
    expect((await cluster.waitForTerminal(eu, second.body.orderId, token)).status).toBe('CONFIRMED');
    return { token, key, loser: first.body.orderId, winner: second.body.orderId };
  };

  const expectResolved = async (token: string, loser: string, winner: string) => {
    for (const region of [us, eu]) {
      const lost = await cluster.waitForTerminal(region, loser, token);
      expect(lost).toMatchObject({ status: 'CANCELLED', payment: { status: 'REFUNDED' } });
      expect(JSON.stringify(lost.timeline)).toContain(`Duplicate of order ${winner}`);
      expect(await cluster.getOrder(region, winner, token)).toMatchObject({
        status: 'CONFIRMED',
        payment: { status: 'CAPTURED' },
      });
    }
  };

  it('cancels the order that lost when the other region’s key record arrives', async () => {
    const { token, key, loser, winner } = await placeTwice('bob');
    await cluster.setLink(true);
    await cluster.waitForConvergence();
    // The later record (eu-west-1's) won everywhere.
    for (const region of [us, eu]) {
      expect(storedItem(region, `IDEMPOTENCY#bob#${key}`, 'IDEMPOTENCY')?.data.orderId).toBe(winner);
    }
    await expectResolved(token, loser, winner);
  });

  it('cancels it at the next start when the region died after applying the record but before cancelling', async () => {
    const { token, key, loser, winner } = await placeTwice('carol');
    const pk = `IDEMPOTENCY#carol#${key}`;
    const won = storedItem(eu, pk, 'IDEMPOTENCY');
    expect(won?.data.orderId).toBe(winner);
    await us.stop();
    // What the crash left behind: eu-west-1's record applied in us-east-1's file (with its stamp, so
    // pulling it again is a no-op), and the losing order not cancelled.
    const file = new Database(us.databaseFile);
    file
      .prepare(
        `UPDATE items SET data = ?, version = ?, updated_at = ?, writer_region = ? WHERE pk = ? AND sk = 'IDEMPOTENCY'`,
      )
      .run(JSON.stringify(won?.data), won?.version, won?.updatedAt, won?.writerRegion, pk);
    file.close();

    await eu.setLink(true);
    await us.restart();
    expect(us.lastStart?.cancelledDuplicates).toBe(1);
    await cluster.waitForConvergence();
    await expectResolved(token, loser, winner);
  });
});
