import { getEventListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope } from '@meridian/contracts';
import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../sqlite/open-database';
import { SqliteItemStore } from '../store/sqlite-item-store';
import { type ApplyResult, ChangeApplier, type ConflictRecord } from './change-applier';
import { ChangeFeed } from './change-feed';
import { LinkState } from './link-state';
import { ReplicationPuller, type ReplicationPullerOptions } from './replication-puller';

const US = 'us-east-1';
const EU = 'eu-west-1';
const T0 = 1_735_689_600_000;

const databases: Database[] = [];
const pullers: ReplicationPuller[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const puller of pullers.splice(0)) await puller.stop();
  for (const db of databases.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function event(id: string): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': 'TestHappened',
    source: 'meridian.test',
    account: '000000000000',
    time: new Date(T0).toISOString(),
    region: US,
    resources: [],
    detail: { id },
  };
}

/** The source region: its store and change feed, writing at T0 (+ a counter, so stamps differ). */
function source(region = US) {
  const db = openDatabase(':memory:');
  databases.push(db);
  let tick = 0;
  const store = new SqliteItemStore(db, { region, clock: { now: () => T0 + tick++ } });
  const feed = new ChangeFeed(db);
  store.onWrite(() => feed.notify());
  store.onCommit(() => feed.notify());
  return { region, db, store, feed };
}

function target(file = ':memory:') {
  const db = openDatabase(file);
  databases.push(db);
  const store = new SqliteItemStore(db, { region: EU, clock: { now: () => T0 } });
  new ChangeFeed(db); // applies the replication schema, as the region does
  return { db, store, applier: new ChangeApplier(db, () => T0) };
}

interface PeerControl {
  calls: URL[];
  /** Answer 503 (a peer that refuses, as during a partition). */
  down?: boolean;
  /** Runs after the items are read and before the answer is returned. */
  beforeAnswer?: (url: URL, signal: AbortSignal | undefined) => void | Promise<void>;
}

/** A fetch that serves a source feed the way GET /internal/replication/{stream} does, without sockets. */
function peerFetch(feed: ChangeFeed, control: PeerControl): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    control.calls.push(url);
    const signal = init?.signal ?? undefined;
    if (control.down) return new Response(JSON.stringify({ code: 'link_cut' }), { status: 503 });
    const stream = url.pathname.endsWith('/changes') ? 'changes' : 'events';
    const after = Number(url.searchParams.get('after'));
    const limit = Number(url.searchParams.get('limit'));
    const waitMs = Number(url.searchParams.get('waitMs'));
    const read = () =>
      stream === 'changes' ? feed.readChanges(after, limit) : feed.readEvents(after, limit);
    let items: unknown[] = read();
    if (items.length === 0 && waitMs > 0) {
      await feed.waitForNew(waitMs, signal);
      items = read();
    }
    await control.beforeAnswer?.(url, signal);
    signal?.throwIfAborted();
    return new Response(JSON.stringify({ items }), { headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

/** A puller in eu-west-1 for the one peer us-east-1, not started. */
function createPuller(options: Omit<ReplicationPullerOptions, 'region' | 'peers'>): ReplicationPuller {
  return new ReplicationPuller({ region: EU, peers: [{ name: US, url: 'http://us.test' }], ...options });
}

function startPuller(options: Omit<ReplicationPullerOptions, 'region' | 'peers'>): ReplicationPuller {
  const puller = createPuller(options);
  pullers.push(puller);
  puller.start();
  return puller;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('ReplicationPuller', () => {
  it('is caught up once a pull comes back short of a full batch, and stays so', async () => {
    const us = source();
    const eu = target();
    for (let n = 0; n < 12; n++) await us.store.transact([{ pk: 'ITEM', sk: `N#${n}`, data: { n } }]);
    const gates = new Map<number, { opened: Promise<void>; open: () => void }>();
    for (const after of [10, 17]) {
      let open: () => void = () => {};
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      gates.set(after, { opened, open });
    }
    const control: PeerControl = {
      calls: [],
      // Hold the pulls after change 10 (two full batches applied, the short one not yet) and after 17
      // (a full batch of a later burst applied).
      beforeAnswer: async (url) => {
        if (!url.pathname.endsWith('/changes')) return;
        await gates.get(Number(url.searchParams.get('after')))?.opened;
      },
    };
    const puller = startPuller({
      applier: eu.applier,
      link: new LinkState(true),
      publishEvents: async () => {},
      fetch: peerFetch(us.feed, control),
      batchSize: 5,
      waitMs: 5_000,
    });
    await until(() => eu.applier.cursor(US, 'changes') === 10, 'two full batches');
    expect(puller.caughtUp()).toBe(false);
    gates.get(10)?.open();
    await until(() => eu.applier.cursor(US, 'changes') === 12, 'the short batch');
    expect(puller.caughtUp()).toBe(true);
    // A later burst is lag, not catching up: after a full batch of it the region is still caught up.
    await us.store.transact(
      Array.from({ length: 28 }, (_, i) => ({ pk: 'ITEM', sk: `N#${12 + i}`, data: { n: 12 + i } })),
    );
    await until(() => eu.applier.cursor(US, 'changes') === 17, 'a full batch of the burst');
    expect(puller.caughtUp()).toBe(true);
    gates.get(17)?.open();
    await until(() => eu.applier.cursor(US, 'changes') === 40, 'the burst');
  });

  it('reports a peer it caught up with at start as connected, before any long-poll has returned', async () => {
    const us = source();
    const eu = target();
    await us.store.transact([{ pk: 'ITEM', sk: 'A', data: {} }]);
    const puller = createPuller({
      applier: eu.applier,
      link: new LinkState(true),
      publishEvents: async () => {},
      fetch: peerFetch(us.feed, { calls: [] }),
    });
    expect(puller.status()[0]?.connected).toBe(false);
    await puller.catchUp(1_000);
    expect(puller.status()[0]).toMatchObject({ connected: true, applied: 1 });
    expect(puller.caughtUp()).toBe(true);
  });

  it('counts a cut link or an unreachable peer as nothing to wait for', async () => {
    const eu = target();
    const cut = createPuller({
      applier: eu.applier,
      link: new LinkState(false),
      publishEvents: async () => {},
      fetch: peerFetch(source().feed, { calls: [] }),
    });
    expect(cut.caughtUp()).toBe(true);
    const down = startPuller({
      applier: eu.applier,
      link: new LinkState(true),
      publishEvents: async () => {},
      fetch: peerFetch(source().feed, { calls: [], down: true }),
    });
    expect(down.caughtUp()).toBe(false);
    await until(() => down.caughtUp(), 'the failed pull');
  });

  it('applies a peer’s changes, publishes its events, advances both cursors and measures lag', async () => {
    const us = source();
    const eu = target();
    for (let n = 0; n < 12; n++) await us.store.transact([{ pk: 'ITEM', sk: `N#${n}`, data: { n } }]);
    await us.store.transact([], [event('e1'), event('e2')]);
    const published: string[] = [];
    const control: PeerControl = { calls: [] };
    const puller = startPuller({
      applier: eu.applier,
      link: new LinkState(true),
      publishEvents: async (events) => void published.push(...events.map((e) => e.id)),
      fetch: peerFetch(us.feed, control),
      now: () => T0 + 250,
      batchSize: 5,
      waitMs: 5_000,
    });
    await until(() => eu.applier.cursor(US, 'changes') === 12 && published.length === 2, 'catch-up');
    expect(published).toEqual(['e1', 'e2']);
    const [status] = puller.status();
    expect(status).toMatchObject({
      peer: US,
      connected: true,
      cursors: { changes: 12, events: 2 },
      applied: 12,
      conflicts: 0,
    });
    // Source stamps are T0 … T0+11; applied at T0+250.
    expect(status?.lagMs).toEqual({ last: 250 - 11, p50: 250 - 6, p99: 250, max: 250 });
    expect(status?.lastPulledAgoMs).toBe(0);
    // Batches of five, each request asking for what follows the persisted cursor.
    const changeRequests = control.calls.filter((url) => url.pathname.endsWith('/changes'));
    expect(changeRequests.slice(0, 3).map((url) => url.searchParams.get('after'))).toEqual(['0', '5', '10']);
    expect(changeRequests[0]?.searchParams.get('from')).toBe(EU);

    // A long-poll is open: the next commit arrives without waiting out waitMs.
    const committed = Date.now();
    await us.store.transact([{ pk: 'ITEM', sk: 'LATE', data: {} }], [event('e3')]);
    await until(() => eu.applier.cursor(US, 'changes') === 13 && published.length === 3, 'the live change');
    expect(Date.now() - committed).toBeLessThan(1_000);
    expect(published).toEqual(['e1', 'e2', 'e3']);
  });

  it('resumes after a stop mid-stream on the same database: every change applied exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-puller-'));
    dirs.push(dir);
    const file = join(dir, 'eu.sqlite');
    const us = source();
    for (let n = 0; n < 40; n++)
      await us.store.transact([{ pk: 'ITEM', sk: `N#${String(n).padStart(2, '0')}`, data: { n } }]);

    const appliedSeqs: number[] = [];
    let skipped = 0;
    const record = (result: ApplyResult) => {
      appliedSeqs.push(...result.applied.map((change) => change.seq));
      skipped += result.skipped;
    };
    // First process: the peer answers three batches, then the fourth hangs until the puller is stopped.
    let first = target(file);
    let answered = 0;
    let hung = false;
    const firstControl: PeerControl = {
      calls: [],
      beforeAnswer: async (url, signal) => {
        if (!url.pathname.endsWith('/changes')) return;
        if (answered++ < 3) return;
        hung = true;
        await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
      },
    };
    const firstPuller = startPuller({
      applier: first.applier,
      link: new LinkState(true),
      publishEvents: async () => {},
      fetch: peerFetch(us.feed, firstControl),
      onApplied: record,
      batchSize: 6,
      waitMs: 50,
    });
    await until(() => hung, 'the fourth batch to be in flight');
    await firstPuller.stop();
    expect(first.applier.cursor(US, 'changes')).toBe(18);
    expect(firstPuller.status()[0]?.applied).toBe(18);
    first.db.close();

    // Second process on the same file.
    first = target(file);
    const secondControl: PeerControl = { calls: [] };
    const secondPuller = startPuller({
      applier: first.applier,
      link: new LinkState(true),
      publishEvents: async () => {},
      fetch: peerFetch(us.feed, secondControl),
      onApplied: record,
      batchSize: 6,
      waitMs: 50,
    });
    await until(() => first.applier.cursor(US, 'changes') === 40, 'the rest of the stream');
    expect(
      secondControl.calls.find((url) => url.pathname.endsWith('/changes'))?.searchParams.get('after'),
    ).toBe('18');
    expect(appliedSeqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(skipped).toBe(0);
    expect(secondPuller.status()[0]?.applied).toBe(22);
    expect(first.db.prepare("SELECT COUNT(*) AS n FROM items WHERE pk = 'ITEM'").get()).toEqual({ n: 40 });
  });

  it('pauses while the link is cut and drops what arrives after a cut, then catches up on heal', async () => {
    const us = source();
    const eu = target();
    await us.store.transact([{ pk: 'ITEM', sk: 'A', data: {} }]);
    const link = new LinkState(false);
    const control: PeerControl = { calls: [] };
    const published: string[] = [];
    let clock = T0;
    const puller = startPuller({
      applier: eu.applier,
      link,
      publishEvents: async (events) => void published.push(...events.map((e) => e.id)),
      fetch: peerFetch(us.feed, control),
      waitMs: 50,
      now: () => clock,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(control.calls).toEqual([]);
    expect(puller.status()[0]?.connected).toBe(false);
    // Never answered: silent since pulling began.
    clock += 5_000;
    expect(puller.status()[0]?.lastPulledAgoMs).toBe(5_000);

    // Heal, but cut again while the first answers are on their way: they must not be applied.
    control.beforeAnswer = () => link.set(false);
    link.set(true);
    await until(() => control.calls.length >= 2, 'the first requests');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(eu.applier.cursor(US, 'changes')).toBe(0);
    await expect(eu.store.get('ITEM', 'A')).resolves.toBeUndefined();

    control.beforeAnswer = undefined;
    await us.store.transact([], [event('e1')]);
    link.set(true);
    await until(
      () => eu.applier.cursor(US, 'changes') === 1 && published.length === 1,
      'catch-up after heal',
    );
    expect(puller.status()[0]?.connected).toBe(true);
    expect(puller.status()[0]?.lastPulledAgoMs).toBe(0);

    // Cut again: nothing is pulled, and the status shows for how long. The clock moves first, so a pull
    // answered while cut would be stamped with the later time and show 0.
    link.set(false);
    clock += 30_000;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(puller.status()[0]?.lastPulledAgoMs).toBe(30_000);
  });

  it('reports a refusing peer in its status and recovers when the peer answers again', async () => {
    const us = source();
    const eu = target();
    await us.store.transact([{ pk: 'ITEM', sk: 'A', data: {} }]);
    const control: PeerControl = { calls: [], down: true };
    const puller = startPuller({
      applier: eu.applier,
      link: new LinkState(true),
      publishEvents: async () => {},
      fetch: peerFetch(us.feed, control),
      waitMs: 50,
    });
    await until(() => puller.status()[0]?.lastError !== undefined, 'the error to be reported');
    expect(puller.status()[0]).toMatchObject({
      connected: false,
      lastError: `${US} answered 503`,
      applied: 0,
    });
    // Each failed poll waits (100, 200, 400 ms …) on the puller's one long-lived signal; a wait that is
    // over must not leave its abort listener behind (at most one per stream is waiting at any time).
    await until(() => control.calls.length >= 6, 'three failed polls per stream');
    const signal = (puller as unknown as { controller: AbortController }).controller.signal;
    expect(getEventListeners(signal, 'abort').length).toBeLessThanOrEqual(2);
    control.down = false;
    await until(() => eu.applier.cursor(US, 'changes') === 1, 'recovery', 5_000);
    const [status] = puller.status();
    expect(status?.lastError).toBeUndefined();
    expect(status?.connected).toBe(true);
  });

  it('refuses a malformed peer answer whole: nothing applied or published, no cursor moved', async () => {
    const us = source();
    const eu = target();
    await us.store.transact([{ pk: 'ITEM', sk: 'A', data: {} }]);
    const [good] = us.feed.readChanges(0, 10);
    // A change whose version is not a number, after a well-formed one; an event entry with no envelope.
    const answers = {
      changes: { items: [good, { ...good, seq: 2, sk: 'B', version: 'two' }] },
      events: { items: [{ seq: 1, event: 'not an envelope' }] },
    };
    const calls: string[] = [];
    const malformedPeer = (async (input: string | URL | Request) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
      const stream = url.pathname.endsWith('/changes') ? 'changes' : 'events';
      calls.push(stream);
      return new Response(JSON.stringify(answers[stream]), {
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch;
    const published: unknown[] = [];
    const options = {
      applier: eu.applier,
      link: new LinkState(true),
      publishEvents: async (events: EventEnvelope[]) => void published.push(...events),
      fetch: malformedPeer,
      waitMs: 50,
    };

    await createPuller(options).catchUp(1_000);
    expect(eu.applier.cursor(US, 'changes')).toBe(0);

    const puller = startPuller(options);
    await until(() => calls.filter((stream) => stream === 'events').length >= 2, 'two pulls of each stream');
    await until(() => calls.filter((stream) => stream === 'changes').length >= 3, 'catch-up and two pulls');
    const [status] = puller.status();
    expect(status).toMatchObject({ connected: false, cursors: { changes: 0, events: 0 }, applied: 0 });
    expect(status?.lastError).toMatch(/malformed/);
    expect(await eu.store.get('ITEM', 'A')).toBeUndefined();
    expect(published).toEqual([]);
    expect(puller.caughtUp()).toBe(false);
  });

  it('counts conflicts and reports each one', async () => {
    const us = source();
    const eu = target();
    await eu.store.transact([{ pk: 'ITEM', sk: 'X', data: { by: EU } }]);
    await us.store.transact([{ pk: 'ITEM', sk: 'X', data: { by: US } }]);
    const reported: Array<{ conflict: ConflictRecord; peer: string }> = [];
    const puller = startPuller({
      applier: eu.applier,
      link: new LinkState(true),
      publishEvents: async () => {},
      fetch: peerFetch(us.feed, { calls: [] }),
      onConflict: (conflict, peer) => reported.push({ conflict, peer }),
      waitMs: 50,
    });
    await until(() => eu.applier.cursor(US, 'changes') === 1, 'the change');
    expect(reported).toEqual([
      {
        peer: US,
        conflict: {
          pk: 'ITEM',
          sk: 'X',
          local: { updatedAt: T0, writerRegion: EU },
          remote: { updatedAt: T0, writerRegion: US },
          winner: 'remote',
        },
      },
    ]);
    expect(puller.status()[0]).toMatchObject({ conflicts: 1, applied: 1 });
    expect(eu.applier.conflictCount()).toBe(1);
  });

  it('gives a long-poll the time the peer may hold it, plus its budget, whatever the wait', async () => {
    const eu = target();
    const asked: Array<{ url: string; timeoutMs: number }> = [];
    startPuller({
      applier: eu.applier,
      link: new LinkState(true),
      publishEvents: async () => undefined,
      waitMs: 25_000,
      http: {
        // The peer holds every pull until the puller stops.
        call: (call) => {
          asked.push({ url: call.url, timeoutMs: call.timeoutMs });
          return new Promise((_resolve, reject) =>
            call.signal?.addEventListener('abort', () => reject(call.signal?.reason), { once: true }),
          );
        },
      },
    });
    await until(() => asked.length === 2, 'both streams polled');

    expect(asked.every((call) => call.url.includes('waitMs=25000'))).toBe(true);
    expect(asked.map((call) => call.timeoutMs)).toEqual([35_000, 35_000]);
  });
});
