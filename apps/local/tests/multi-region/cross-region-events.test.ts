import type { EventEnvelope } from '@meridian/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKey, orderBody, waitFor } from '../support/region-harness';
import {
  archivedEventsOf,
  type Cluster,
  type ClusterRegion,
  EU,
  startCluster,
  US,
} from './support/two-regions';

/**
 * An order's events cross to the other region's bus exactly once, keep their origin region, and notify
 * the customer once: only the order's own region runs the notification rule.
 */
describe('cross-region events', () => {
  let cluster: Cluster;
  let us: ClusterRegion;
  let eu: ClusterRegion;
  let orderId: string;
  let usEvents: EventEnvelope[];

  const archived = archivedEventsOf;
  const notificationRows = (region: ClusterRegion, id: string) =>
    region.region.db
      .prepare(
        `SELECT json_extract(data, '$.notificationId') AS notificationId, json_extract(data, '$.eventType') AS eventType,
           writer_region AS writerRegion
         FROM items WHERE pk LIKE 'NOTIFICATION#%' AND json_extract(data, '$.orderId') = ? ORDER BY eventType`,
      )
      .all(id) as Array<{ notificationId: string; eventType: string; writerRegion: string }>;
  const ownNotificationWrites = (region: ClusterRegion) =>
    (
      region.region.db
        .prepare("SELECT COUNT(*) AS n FROM change_log WHERE pk LIKE 'NOTIFICATION#%'")
        .get() as {
        n: number;
      }
    ).n;

  beforeAll(async () => {
    cluster = await startCluster();
    us = cluster.get(US);
    eu = cluster.get(EU);
    await cluster.waitForConvergence();
    const token = await cluster.token('alice');
    const placed = await cluster.placeOrder(us, orderBody({ sku: 'MUG-001', quantity: 2 }), {
      token,
      key: newKey('events'),
    });
    expect(placed.status).toBe(202);
    orderId = placed.body.orderId;
    expect((await cluster.waitForTerminal(us, orderId, token)).status).toBe('CONFIRMED');
    await waitFor(async () => (notificationRows(us, orderId).length >= 2 ? true : undefined), {
      what: 'the notifications in us-east-1',
    });
    await us.region.bus.drain();
    await cluster.waitForConvergence();
    await eu.region.bus.drain();
    usEvents = archived(us, orderId);
  });

  afterAll(async () => {
    await cluster?.close();
  });

  it('archives every event of the order in the other region exactly once, with its origin region', () => {
    expect(usEvents.map((event) => event['detail-type'])).toEqual(
      expect.arrayContaining(['OrderPlaced', 'OrderInventoryReserved', 'OrderConfirmed']),
    );
    const euEvents = archived(eu, orderId);
    expect(euEvents.map((event) => event.id).sort()).toEqual(usEvents.map((event) => event.id).sort());
    expect(new Set(euEvents.map((event) => event.id)).size).toBe(euEvents.length);
    for (const event of euEvents) expect(event.region).toBe(US);
    expect(euEvents).toEqual(expect.arrayContaining(usEvents));
  });

  it('notifies once, from the order’s region: one notification per notifying event', async () => {
    const byType = Object.fromEntries(
      usEvents
        .map((event) => [event['detail-type'], event.id] as const)
        .filter(([type]) => type !== undefined),
    );
    expect(notificationRows(us, orderId)).toEqual([
      { notificationId: byType.OrderConfirmed, eventType: 'OrderConfirmed', writerRegion: US },
      { notificationId: byType.OrderPlaced, eventType: 'OrderPlaced', writerRegion: US },
    ]);
    // eu-west-1 holds the replicated copies of us-east-1's notifications and wrote none itself.
    expect(notificationRows(eu, orderId)).toEqual(notificationRows(us, orderId));
    expect(ownNotificationWrites(eu)).toBe(0);
    expect(eu.region.bus.stats()).toMatchObject({ pendingDeliveries: 0, deadLetters: 0 });
    // The customer sees the two notifications, whichever region answers.
    const token = await cluster.token('alice');
    for (const region of cluster.regions) {
      const response = await region.request<{ items: Array<{ orderId: string }> }>('/notifications', {
        token,
      });
      expect(response.status).toBe(200);
      expect(response.body.items.filter((item) => item.orderId === orderId)).toHaveLength(2);
    }
  });

  it('creates nothing new when the events are delivered again or replayed', async () => {
    const before = {
      usArchive: us.region.bus.stats().archivedEvents,
      euArchive: eu.region.bus.stats().archivedEvents,
      usNotifications: ownNotificationWrites(us),
    };
    // Redelivered to both buses: recognised by id.
    expect(await eu.region.bus.putEvents(usEvents)).toEqual({ accepted: 0, duplicates: usEvents.length });
    expect(await us.region.bus.putEvents(usEvents)).toEqual({ accepted: 0, duplicates: usEvents.length });
    // Pulled again by eu-west-1's replication (events cursor rewound to the start).
    eu.region.replication.applier.saveStreamCursor(US, 'events', 0);
    await waitFor(
      async () =>
        eu.region.replication.applier.cursor(US, 'events') >= us.region.replication.feed.headSeq('events')
          ? true
          : undefined,
      { what: 'the events to be pulled again' },
    );
    // Replayed from us-east-1's archive to its rules: the notification consumer sees each event again.
    const times = usEvents.map((event) => Date.parse(event.time));
    const replay = await us.region.bus.replay({
      name: `replay-${orderId}`,
      from: new Date(Math.min(...times)).toISOString(),
      to: new Date(Math.max(...times) + 1).toISOString(),
    });
    expect(replay.deliveries).toBeGreaterThanOrEqual(2);
    await us.region.bus.drain();
    await eu.region.bus.drain();

    expect(us.region.bus.stats().archivedEvents).toBe(before.usArchive);
    expect(eu.region.bus.stats().archivedEvents).toBe(before.euArchive);
    expect(archived(eu, orderId)).toHaveLength(usEvents.length);
    expect(ownNotificationWrites(us)).toBe(before.usNotifications);
    expect(notificationRows(us, orderId)).toHaveLength(2);
    expect(ownNotificationWrites(eu)).toBe(0);
    expect(us.region.bus.stats()).toMatchObject({ pendingDeliveries: 0, deadLetters: 0 });
  });

  it('captures the payment exactly once', async () => {
    const ledger = await cluster.payments.ledger(orderId);
    expect(ledger.filter((entry) => entry.type === 'capture')).toHaveLength(1);
    expect(ledger.filter((entry) => entry.type === 'authorization')).toHaveLength(1);
    expect(ledger.filter((entry) => entry.type === 'refund' || entry.type === 'void')).toEqual([]);
    const order = await cluster.getOrder(eu, orderId, await cluster.token('alice'));
    expect(order).toMatchObject({ status: 'CONFIRMED', region: US });
    expect(order.payment?.amountMinor).toBe(order.totalMinor);
  });

  // The relay prunes published outbox rows only up to what every peer has read: a partition longer than
  // the retention must not lose the events committed meanwhile for the peer.
  it('delivers events committed during a partition that outlasts the outbox retention', async () => {
    const probe = (id: string): EventEnvelope => ({
      version: '0',
      id,
      'detail-type': 'PartitionProbe',
      source: 'meridian.test',
      account: '000000000000',
      time: new Date().toISOString(),
      region: US,
      resources: [],
      detail: {},
    });
    const inArchive = (region: ClusterRegion, id: string) =>
      region.region.db.prepare('SELECT 1 FROM bus_archived_events WHERE event_id = ?').get(id) !== undefined;
    const published = () =>
      waitFor(async () => (us.region.relay.pendingCount() === 0 ? true : undefined), { what: 'the relay' });
    const [early, late] = [newKey('probe-early'), newKey('probe-late')];

    await cluster.setLink(false);
    try {
      await us.region.ctx.store.transact([], [probe(early)]);
      await published();
      // Eleven minutes later, still cut: the next publication prunes what is older than the retention.
      us.clock.freeze(Date.now() + 11 * 60_000);
      try {
        await us.region.ctx.store.transact([], [probe(late)]);
        await published();
      } finally {
        us.clock.release();
      }
    } finally {
      await cluster.setLink(true);
    }
    await cluster.waitForConvergence();
    expect(inArchive(us, early)).toBe(true);
    expect(inArchive(eu, late)).toBe(true);
    expect(inArchive(eu, early)).toBe(true);
  });
});
