import { restockProduct, SUPPLIER } from '@meridian/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey, type OrderView, orderBody, waitFor } from '../support/region-harness';
import {
  addTestProduct,
  createSku,
  creditedBy,
  ledger,
  placeMany,
  transfersOf,
  watchLedger,
} from './support/escrow-ledger';
import {
  AP,
  archivedEventsOf,
  type Cluster,
  type ClusterRegion,
  EU,
  startCluster,
  storedItem,
  US,
} from './support/two-regions';

/**
 * Three regions work like the default two: every region pulls from both
 * peers, splits and tops up stock three ways, sees every event once, and resolves a conflict the same way.
 */
describe('three regions', () => {
  let cluster: Cluster;
  let us: ClusterRegion;
  let eu: ClusterRegion;
  let ap: ClusterRegion;

  beforeAll(async () => {
    cluster = await startCluster({ regions: [US, EU, AP] });
    [us, eu, ap] = [cluster.get(US), cluster.get(EU), cluster.get(AP)];
    await cluster.waitForConvergence();
  });

  afterAll(async () => {
    await cluster?.close();
  });

  const archivedIds = (region: ClusterRegion, orderId: string): string[] =>
    archivedEventsOf(region, orderId)
      .map((event) => event.id)
      .sort();
  const notificationWriters = (region: ClusterRegion, orderId: string): string[] =>
    (
      region.region.db
        .prepare(
          `SELECT writer_region AS writer FROM items
           WHERE pk LIKE 'NOTIFICATION#%' AND json_extract(data, '$.orderId') = ? ORDER BY writer`,
        )
        .all(orderId) as Array<{ writer: string }>
    ).map((row) => row.writer);

  it('each region pulls from both of its peers', async () => {
    for (const region of cluster.regions) {
      const others = cluster.regions.filter((other) => other !== region);
      // A peer counts as connected once a long-poll to it has answered (within its 1 s wait).
      const status = await waitFor(
        async () => {
          const current = await region.status();
          return current.replication.peers.every((peer) => peer.connected) ? current : undefined;
        },
        { what: `${region.name} to be connected to its peers` },
      );
      expect(status.replication.peers.map((peer) => peer.peer).sort()).toEqual(
        others.map((other) => other.name).sort(),
      );
      // Everything each peer has committed has been applied here.
      for (const peer of status.replication.peers)
        expect(peer.cursors.changes).toBe(cluster.get(peer.peer).region.replication.feed.headSeq('changes'));
      expect(status.replication.conflicts).toBe(0);
    }
    // The demo catalog was seeded in us-east-1: there was something to pull.
    expect(us.region.replication.feed.headSeq('changes')).toBeGreaterThan(0);
  });

  it('splits a restock three ways, evenly by default or as the admin chooses, each share credited once', async () => {
    await createSku(cluster, 'TRI-EVEN', 30);
    for (const region of cluster.regions)
      expect(region.ownAllotment('TRI-EVEN')).toMatchObject({ available: 10, reserved: 0, sold: 0 });

    const admin = await cluster.token('admin');
    const restocked = await eu.request('/admin/products/TRI-EVEN/restock', {
      token: admin,
      json: {
        quantity: 9,
        split: [
          { region: US, quantity: 6 },
          { region: EU, quantity: 0 },
          { region: AP, quantity: 3 },
        ],
      },
    });
    expect(restocked.status, JSON.stringify(restocked.body)).toBe(200);
    await cluster.waitForConvergence();
    expect(us.ownAllotment('TRI-EVEN')?.available).toBe(16);
    expect(eu.ownAllotment('TRI-EVEN')?.available).toBe(10);
    expect(ap.ownAllotment('TRI-EVEN')?.available).toBe(13);
    // Shares for other regions travel as supplier transfers, each credited by its receiver exactly once.
    const supplied = transfersOf(cluster, 'TRI-EVEN').filter((transfer) => transfer.fromRegion === SUPPLIER);
    for (const transfer of supplied)
      expect(creditedBy(cluster.get(transfer.toRegion), 'TRI-EVEN', transfer.transferId)).toBe(true);
    expect(ledger(cluster, 'TRI-EVEN')).toMatchObject({ total: 39, inFlight: 0, available: 39 });
  });

  it('orders placed in each region are finished there and read the same in all three', async () => {
    const outcomes = await placeMany(cluster, 'MUG-001', { [US]: 2, [EU]: 2, [AP]: 2 });
    await cluster.waitForConvergence();
    expect(outcomes.map(({ order }) => order.status)).toEqual(Array(6).fill('CONFIRMED'));
    for (const { region, order } of outcomes) {
      expect(order.region).toBe(region.name);
      const token = await cluster.token(order.customerId);
      for (const reader of cluster.regions) {
        const copy: OrderView = await cluster.getOrder(reader, order.orderId, token);
        expect(copy).toMatchObject({
          status: 'CONFIRMED',
          region: region.name,
          totalMinor: order.totalMinor,
        });
        expect(storedItem(reader, `ORDER#${order.orderId}`, 'ORDER')).toEqual(
          storedItem(region, `ORDER#${order.orderId}`, 'ORDER'),
        );
      }
      // Every event of the order is on all three buses exactly once; only its own region notified.
      const own = archivedIds(region, order.orderId);
      expect(own.length).toBeGreaterThanOrEqual(6);
      for (const reader of cluster.regions) {
        expect(archivedIds(reader, order.orderId)).toEqual(own);
        expect(notificationWriters(reader, order.orderId)).toEqual([region.name, region.name]);
      }
      const payments = await cluster.payments.ledger(order.orderId);
      expect(payments.filter((entry) => entry.type === 'capture')).toHaveLength(1);
    }
    for (const region of cluster.regions) expect((await region.status()).replication.conflicts).toBe(0);
  });

  it('connected: concurrent orders in three regions never oversell; a short region is topped up by a peer', async () => {
    await createSku(cluster, 'TRI-RACE', 12);
    // 13 units wanted, 12 exist (4 + 4 + 4); ap-southeast-2 alone wants 9.
    const { result: outcomes, totals } = await watchLedger(cluster, 'TRI-RACE', () =>
      placeMany(cluster, 'TRI-RACE', { [US]: 2, [EU]: 2, [AP]: 9 }),
    );
    await cluster.waitForConvergence();
    const confirmed = outcomes.filter(({ order }) => order.status === 'CONFIRMED');
    expect([...totals]).toEqual([12]);
    const after = ledger(cluster, 'TRI-RACE');
    expect(after).toMatchObject({ total: 12, inFlight: 0, reserved: 0 });
    expect(after.sold).toBe(confirmed.length);
    expect(confirmed.length + after.available).toBe(12);
    // More than its own 4: only possible with top-ups from a peer, each credited exactly once.
    expect(confirmed.filter(({ region }) => region === ap).length).toBeGreaterThan(4);
    const peerTransfers = transfersOf(cluster, 'TRI-RACE').filter(
      (transfer) => transfer.fromRegion !== SUPPLIER,
    );
    expect(peerTransfers.some((transfer) => transfer.toRegion === AP)).toBe(true);
    for (const transfer of peerTransfers)
      expect(creditedBy(cluster.get(transfer.toRegion), 'TRI-RACE', transfer.transferId)).toBe(true);
    for (const { order } of outcomes.filter(({ order }) => order.status !== 'CONFIRMED'))
      expect(order.failureReason).toMatch(/^Not enough stock: TRI-RACE/);
  });

  // ap-southeast-2's peers are us-east-1 and eu-west-1: with one SKU held only by each, one of the two
  // top-ups must be refused by the first peer asked and come from the second, whatever the order.
  it.each([
    ['TRI-NEXT-EU', EU],
    ['TRI-NEXT-US', US],
  ])('a short region asks its peers in turn until one has stock (%s held by %s)', async (sku, holder) => {
    await addTestProduct(us, sku);
    await restockProduct(us.region.ctx, {
      sku,
      quantity: 7,
      split: [
        { region: AP, quantity: 1 },
        { region: holder, quantity: 6 },
      ],
    });
    await cluster.waitForConvergence();
    const outcomes = [
      ...(await placeMany(cluster, sku, { [AP]: 1 })),
      ...(await placeMany(cluster, sku, { [AP]: 1 })),
    ];
    await cluster.waitForConvergence();
    expect(outcomes.map(({ order }) => order.status)).toEqual(['CONFIRMED', 'CONFIRMED']);
    const peerTransfers = transfersOf(cluster, sku).filter((transfer) => transfer.fromRegion !== SUPPLIER);
    // Asked for the shortfall plus the top-up margin; the holder sent all it had, once.
    expect(peerTransfers).toEqual([
      expect.objectContaining({ fromRegion: holder, toRegion: AP, quantity: 6 }),
    ]);
    expect(ap.ownAllotment(sku)).toMatchObject({ available: 5, reserved: 0, sold: 2 });
    expect(cluster.get(holder).ownAllotment(sku)).toMatchObject({ available: 0, sold: 0 });
    expect(ledger(cluster, sku)).toMatchObject({ total: 7, inFlight: 0, sold: 2 });
  });

  it('partitioned: each of three regions sells only its own allotment; after healing every unit is accounted for', async () => {
    await createSku(cluster, 'TRI-SPLIT', 12);
    await cluster.setLink(false);
    let outcomes: Awaited<ReturnType<typeof placeMany>>;
    try {
      const watched = await watchLedger(cluster, 'TRI-SPLIT', () =>
        placeMany(cluster, 'TRI-SPLIT', { [US]: 6, [EU]: 6, [AP]: 6 }),
      );
      outcomes = watched.result;
      expect([...watched.totals]).toEqual([12]);
      for (const region of cluster.regions) {
        const sold = outcomes.filter(
          (outcome) => outcome.region === region && outcome.order.status === 'CONFIRMED',
        );
        expect(sold).toHaveLength(4);
        expect(region.ownAllotment('TRI-SPLIT')).toMatchObject({ available: 0, reserved: 0, sold: 4 });
      }
    } finally {
      await cluster.setLink(true);
    }
    await cluster.waitForConvergence();
    expect(ledger(cluster, 'TRI-SPLIT')).toMatchObject({ total: 12, inFlight: 0, sold: 12, available: 0 });
    // After healing, every region holds every owner's allotment as the owner does, and every order.
    for (const reader of cluster.regions) {
      for (const owner of cluster.regions)
        expect(storedItem(reader, 'STOCK#TRI-SPLIT', `ALLOTMENT#${owner.name}`)?.data).toEqual(
          owner.ownAllotment('TRI-SPLIT'),
        );
      for (const { order } of outcomes) {
        const token = await cluster.token(order.customerId);
        expect((await cluster.getOrder(reader, order.orderId, token)).status).toBe(order.status);
      }
    }
  });

  it('a write of one item in two regions during a partition converges everywhere to the last writer, one conflict per region', async () => {
    const write = (region: ClusterRegion, by: string) =>
      region.region.ctx.store.transact([{ pk: 'TEST#LWW3', sk: 'ITEM', data: { by } }]);
    await write(us, 'seed');
    await cluster.waitForConvergence();
    const before = new Map<string, number>();
    for (const region of cluster.regions)
      before.set(region.name, (await region.status()).replication.conflicts);

    await cluster.setLink(false);
    try {
      await write(us, US);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await write(eu, EU);
    } finally {
      await cluster.setLink(true);
    }
    await cluster.waitForConvergence();
    const winner = storedItem(eu, 'TEST#LWW3', 'ITEM');
    expect(winner).toMatchObject({ data: { by: EU }, writerRegion: EU });
    for (const region of cluster.regions) {
      expect(storedItem(region, 'TEST#LWW3', 'ITEM')).toEqual(winner);
      // us-east-1 and eu-west-1 each see the other's concurrent write; ap-southeast-2 applies the first
      // to arrive in order and counts the second, whichever it is.
      const status = await region.status();
      expect(status.replication.conflicts - (before.get(region.name) ?? 0)).toBe(1);
    }
  });

  it('the global event stream of any region holds the other regions’ events with their origin', async () => {
    const token = await cluster.token('alice');
    const placed = await cluster.placeOrder(ap, orderBody(), { token, key: newKey('tri-events') });
    expect(placed.status).toBe(202);
    await cluster.waitForTerminal(ap, placed.body.orderId, token);
    await cluster.waitForConvergence();
    for (const reader of [us, eu]) {
      const events = archivedEventsOf(reader, placed.body.orderId);
      expect(events.map((event) => event['detail-type'])).toEqual(
        expect.arrayContaining(['OrderPlaced', 'OrderConfirmed']),
      );
      for (const event of events) expect(event.region).toBe(AP);
    }
  });
});
