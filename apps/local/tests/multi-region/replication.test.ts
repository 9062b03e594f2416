import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/region-harness';
import { addTestProduct } from './support/escrow-ledger';
import { type Cluster, type ClusterRegion, EU, storedItem, US, useTwoRegions } from './support/two-regions';

/** Replication between two regions over HTTP: order, restart, last-writer-wins conflicts, lag. */
describe('replication between two regions over HTTP', () => {
  let cluster: Cluster;
  let us: ClusterRegion;
  let eu: ClusterRegion;

  const write = (region: ClusterRegion, pk: string, sk: string, data: Record<string, unknown>) =>
    region.region.ctx.store.transact([{ pk, sk, data }]);
  const ownChangeRows = (region: ClusterRegion, pkPrefix: string) =>
    (
      region.region.db
        .prepare('SELECT COUNT(*) AS n FROM change_log WHERE pk LIKE ?')
        .get(`${pkPrefix}%`) as { n: number }
    ).n;
  /** What a peer sends on /internal routes: the regions' key. */
  const internal = () => ({ headers: { authorization: `Bearer ${cluster.regionKey}` } });
  const peerStatus = async (region: ClusterRegion) => {
    const status = await region.status();
    const [peer] = status.replication.peers;
    if (!peer) throw new Error(`${region.name} has no peer`);
    return { status, peer };
  };

  useTwoRegions((started) => {
    ({ cluster, us, eu } = started);
  });

  it('applies a peer’s changes in commit order and never lets an earlier version overwrite a later one', async () => {
    const observations: Array<{ present: number[]; counter: number }> = [];
    let writing = true;
    const observer = (async () => {
      while (writing) {
        const rows = eu.region.db
          .prepare("SELECT sk FROM items WHERE pk = 'TEST#ORDERED' ORDER BY sk")
          .all() as Array<{ sk: string }>;
        const counter = storedItem(eu, 'TEST#COUNTER', 'ITEM')?.data.n;
        observations.push({
          present: rows.map((row) => Number(row.sk.slice(5))),
          counter: Number(counter ?? 0),
        });
        await sleep(1);
      }
    })();
    for (let i = 0; i < 40; i++) {
      await write(us, 'TEST#ORDERED', `ITEM#${String(i).padStart(3, '0')}`, { i });
      await write(us, 'TEST#COUNTER', 'ITEM', { n: i + 1 });
      if (i % 4 === 0) await sleep(3);
    }
    await cluster.waitForConvergence();
    writing = false;
    await observer;

    // Items written one after the other appear in the same order: every observation is a prefix.
    for (const { present } of observations) expect(present).toEqual(present.map((_, index) => index));
    // The counter only ever moves forward in the receiver.
    const counters = observations.map((observation) => observation.counter);
    expect(counters).toEqual([...counters].sort((a, b) => a - b));
    // Several intermediate states were seen, so this was not one big batch.
    expect(new Set(counters).size).toBeGreaterThan(2);
    expect(storedItem(eu, 'TEST#COUNTER', 'ITEM')).toEqual(storedItem(us, 'TEST#COUNTER', 'ITEM'));
    expect(storedItem(eu, 'TEST#COUNTER', 'ITEM')?.data).toEqual({ n: 40 });
    expect(eu.region.db.prepare("SELECT COUNT(*) AS n FROM items WHERE pk = 'TEST#ORDERED'").get()).toEqual({
      n: 40,
    });
  });

  it('keeps replicated writes out of the receiver’s own change log and outbox', async () => {
    const euHeads = {
      changes: eu.region.replication.feed.headSeq('changes'),
      events: eu.region.replication.feed.headSeq('events'),
    };
    for (let i = 0; i < 5; i++) await write(us, 'TEST#ECHO', `ITEM#${i}`, { i });
    await cluster.waitForConvergence();
    expect(storedItem(eu, 'TEST#ECHO', 'ITEM#4')?.writerRegion).toBe(US);
    expect(ownChangeRows(eu, 'TEST#')).toBe(0);
    expect(eu.region.replication.feed.headSeq('changes')).toBe(euHeads.changes);
    expect(eu.region.replication.feed.headSeq('events')).toBe(euHeads.events);
    // The seed's events reached eu-west-1's bus, yet none of them is in its outbox (it would publish them again).
    const foreign = eu.region.db
      .prepare("SELECT COUNT(*) AS n FROM outbox WHERE json_extract(event, '$.region') != ?")
      .get(EU) as { n: number };
    expect(foreign.n).toBe(0);
    expect(eu.region.bus.stats().archivedEvents).toBeGreaterThan(0);
  });

  it('resumes after a restart mid-stream from the persisted cursor: nothing lost, nothing applied twice', async () => {
    await cluster.waitForConvergence();
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await us.region.ctx.store.transact(
          Array.from({ length: 3 }, (_, index) => ({
            pk: 'TEST#STREAM',
            sk: `ITEM#${String(written * 3 + index).padStart(5, '0')}`,
            data: { written },
          })),
        );
        written++;
        await sleep(2);
      }
    })();
    await waitFor(async () => (storedItem(eu, 'TEST#STREAM', 'ITEM#00030') ? true : undefined), {
      what: 'the stream to reach eu-west-1',
    });
    // Stop the puller mid-stream (what a stopping process does first), note what it applied, stop the region.
    await eu.region.replication.puller.stop();
    const stopped = eu.region.replication.puller.status()[0];
    const cursorAtStop = eu.region.replication.applier.cursor(US, 'changes');
    await eu.stop();
    await sleep(100);
    await eu.restart();
    await sleep(100);
    writing = false;
    await writer;
    await cluster.waitForConvergence();

    const usHead = us.region.replication.feed.headSeq('changes');
    const { peer: resumed } = await peerStatus(eu);
    expect(cursorAtStop).toBeGreaterThan(0);
    expect(cursorAtStop).toBeLessThan(usHead);
    expect(resumed.cursors.changes).toBe(usHead);
    // Every change us-east-1 ever committed was applied exactly once across eu-west-1's two processes.
    expect((stopped?.applied ?? 0) + resumed.applied).toBe(usHead);
    expect(stopped?.cursors.changes).toBe(cursorAtStop);
    expect(resumed.conflicts).toBe(0);
    const count = (region: ClusterRegion) =>
      (
        region.region.db.prepare("SELECT COUNT(*) AS n FROM items WHERE pk = 'TEST#STREAM'").get() as {
          n: number;
        }
      ).n;
    expect(count(eu)).toBe(written * 3);
    expect(count(us)).toBe(written * 3);
    const dump = (region: ClusterRegion) =>
      region.region.db
        .prepare(
          'SELECT pk, sk, data, version, updated_at, writer_region FROM items WHERE writer_region = ? ORDER BY pk, sk',
        )
        .all(US);
    expect(dump(eu)).toEqual(dump(us));
  });

  it('resolves a write of the same item in both regions during a partition last-writer-wins (later time wins)', async () => {
    await write(us, 'TEST#LWW', 'LATER', { by: 'seed' });
    await cluster.waitForConvergence();
    const conflictsBefore = {
      us: (await us.status()).replication.conflicts,
      eu: (await eu.status()).replication.conflicts,
    };

    await cluster.setLink(false);
    await write(us, 'TEST#LWW', 'LATER', { by: US });
    await sleep(5);
    await write(eu, 'TEST#LWW', 'LATER', { by: EU });
    await sleep(150);
    // Cut: neither has seen the other's write.
    expect(storedItem(us, 'TEST#LWW', 'LATER')?.data).toEqual({ by: US });
    expect(storedItem(eu, 'TEST#LWW', 'LATER')?.data).toEqual({ by: EU });
    expect((await us.status()).link).toBe('cut');
    const usStamp = storedItem(us, 'TEST#LWW', 'LATER');
    const euStamp = storedItem(eu, 'TEST#LWW', 'LATER');
    expect(euStamp?.updatedAt).toBeGreaterThan(usStamp?.updatedAt ?? Number.MAX_SAFE_INTEGER);

    await cluster.setLink(true);
    await cluster.waitForConvergence();
    const onUs = storedItem(us, 'TEST#LWW', 'LATER');
    const onEu = storedItem(eu, 'TEST#LWW', 'LATER');
    expect(onUs).toEqual(onEu);
    expect(onUs?.data).toEqual({ by: EU });
    expect(onUs?.writerRegion).toBe(EU);

    const [usStatus, euStatus] = [await us.status(), await eu.status()];
    expect(usStatus.replication.conflicts - conflictsBefore.us).toBe(1);
    expect(euStatus.replication.conflicts - conflictsBefore.eu).toBe(1);
    expect(usStatus.replication.recentConflicts[0]).toMatchObject({
      pk: 'TEST#LWW',
      sk: 'LATER',
      local: { updatedAt: usStamp?.updatedAt, writerRegion: US },
      remote: { updatedAt: euStamp?.updatedAt, writerRegion: EU },
      winner: 'remote',
    });
    expect(euStatus.replication.recentConflicts[0]).toMatchObject({
      pk: 'TEST#LWW',
      sk: 'LATER',
      local: { updatedAt: euStamp?.updatedAt, writerRegion: EU },
      remote: { updatedAt: usStamp?.updatedAt, writerRegion: US },
      winner: 'local',
    });
    // The puller's own counters agree with the recorded conflicts.
    expect(usStatus.replication.peers[0]?.conflicts).toBeGreaterThanOrEqual(1);
    expect(euStatus.replication.peers[0]?.conflicts).toBeGreaterThanOrEqual(1);
  });

  it('breaks a tie of equal update times by the greater region name', async () => {
    await write(eu, 'TEST#LWW', 'TIE', { by: 'seed' });
    await cluster.waitForConvergence();
    const conflictsBefore = {
      us: (await us.status()).replication.conflicts,
      eu: (await eu.status()).replication.conflicts,
    };
    await cluster.setLink(false);
    const at = Date.now() + 1000;
    us.clock.freeze(at);
    eu.clock.freeze(at);
    try {
      await write(eu, 'TEST#LWW', 'TIE', { by: EU });
      await write(us, 'TEST#LWW', 'TIE', { by: US });
    } finally {
      us.clock.release();
      eu.clock.release();
    }
    expect(storedItem(us, 'TEST#LWW', 'TIE')?.updatedAt).toBe(at);
    expect(storedItem(eu, 'TEST#LWW', 'TIE')?.updatedAt).toBe(at);
    await cluster.setLink(true);
    await cluster.waitForConvergence();

    // 'us-east-1' > 'eu-west-1': us-east-1's write wins on both sides.
    expect(storedItem(us, 'TEST#LWW', 'TIE')).toMatchObject({
      data: { by: US },
      writerRegion: US,
      updatedAt: at,
    });
    expect(storedItem(eu, 'TEST#LWW', 'TIE')).toEqual(storedItem(us, 'TEST#LWW', 'TIE'));
    const [usStatus, euStatus] = [await us.status(), await eu.status()];
    expect(usStatus.replication.conflicts - conflictsBefore.us).toBe(1);
    expect(euStatus.replication.conflicts - conflictsBefore.eu).toBe(1);
    expect(usStatus.replication.recentConflicts[0]).toMatchObject({ sk: 'TIE', winner: 'local' });
    expect(euStatus.replication.recentConflicts[0]).toMatchObject({
      sk: 'TIE',
      local: { updatedAt: at, writerRegion: EU },
      remote: { updatedAt: at, writerRegion: US },
      winner: 'remote',
    });
  });

  it('keeps a long-poll on the events stream waiting through commits that recorded no event', async () => {
    const head = (
      (await (await fetch(`${us.origin}/internal/replication/events/head`, internal())).json()) as {
        seq: number;
      }
    ).seq;
    const polled = fetch(
      `${us.origin}/internal/replication/events?after=${head}&limit=10&waitMs=5000&from=observer`,
      internal(),
    ).then(
      async (response) => (await response.json()) as { items: Array<{ event: { 'detail-type': string } }> },
    );
    await sleep(50);
    await write(us, 'TEST#QUIET', 'ITEM', { n: 1 });
    await sleep(50);
    await addTestProduct(us, 'QUIET-1');
    const { items } = await polled;
    expect(items.map((item) => item.event['detail-type'])).toEqual(['ProductCreated']);
  });

  it('answers 503 to peers while the link is cut, but not to observers', async () => {
    await us.setLink(false);
    try {
      const peer = await fetch(
        `${us.origin}/internal/replication/changes?after=0&limit=1&from=${EU}`,
        internal(),
      );
      expect(peer.status).toBe(503);
      await peer.body?.cancel();
      const observer = await fetch(
        `${us.origin}/internal/replication/changes?after=0&limit=1&from=observer`,
        internal(),
      );
      expect(observer.status).toBe(200);
      expect(((await observer.json()) as { items: unknown[] }).items).toHaveLength(1);
    } finally {
      await us.setLink(true);
    }
  });

  it('measures replication lag (p50/p99) and reports it in /internal/status', async () => {
    await cluster.waitForConvergence();
    eu.region.replication.puller.resetLag();
    for (let i = 0; i < 60; i++) {
      await write(us, 'TEST#LAG', `ITEM#${i}`, { i });
      await sleep(3);
    }
    await cluster.waitForConvergence();
    const { peer } = await peerStatus(eu);
    expect(peer.peer).toBe(US);
    expect(peer.connected).toBe(true);
    expect(peer.lagMs).toEqual({
      last: expect.any(Number),
      p50: expect.any(Number),
      p99: expect.any(Number),
      max: expect.any(Number),
    });
    const { p50 = -1, p99 = -1 } = peer.lagMs;
    expect(p50).toBeGreaterThanOrEqual(0);
    expect(p99).toBeGreaterThanOrEqual(p50);
    // Long-polling wakes on commit: a change reaches the peer well within a second on one machine.
    expect(p99).toBeLessThan(1000);
    if (process.env.MERIDIAN_TEST_REPORT)
      console.info(`replication lag us-east-1 → eu-west-1: ${JSON.stringify(peer.lagMs)}`);
  });
});
