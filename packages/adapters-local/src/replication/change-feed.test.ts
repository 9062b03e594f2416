import { getEventListeners } from 'node:events';
import type { EventEnvelope } from '@meridian/contracts';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../sqlite/open-database';
import { SqliteItemStore } from '../store/sqlite-item-store';
import { ChangeFeed } from './change-feed';

const REGION = 'us-east-1';
const T0 = 1_735_689_600_000;

function event(id: string): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': 'TestHappened',
    source: 'meridian.test',
    account: '000000000000',
    time: new Date(T0).toISOString(),
    region: REGION,
    resources: [],
    detail: { id },
  };
}

let db: Database;
let store: SqliteItemStore;
let feed: ChangeFeed;
let now: number;

beforeEach(() => {
  now = T0;
  db = openDatabase(':memory:');
  store = new SqliteItemStore(db, { region: REGION, clock: { now: () => now } });
  feed = new ChangeFeed(db);
  store.onWrite(() => feed.notify('changes'));
  store.onCommit(() => feed.notify('events'));
});

afterEach(() => {
  vi.useRealTimers();
  if (db.open) db.close();
});

describe('ChangeFeed', () => {
  it('reads the region’s writes in commit order with the stamp each one replaced', async () => {
    await store.transact([{ pk: 'A', sk: 'A', data: { v: 1 } }]);
    now = T0 + 5;
    await store.transact([
      { pk: 'A', sk: 'A', data: { v: 2 } },
      { pk: 'B', sk: 'B', data: { v: 1 } },
    ]);
    const changes = feed.readChanges(0, 10);
    expect(changes.map(({ seq, pk, version }) => ({ seq, pk, version }))).toEqual([
      { seq: 1, pk: 'A', version: 1 },
      { seq: 2, pk: 'A', version: 2 },
      { seq: 3, pk: 'B', version: 1 },
    ]);
    expect(changes[0]).toMatchObject({
      updatedAt: T0,
      writerRegion: REGION,
      baseUpdatedAt: null,
      baseWriterRegion: null,
      data: JSON.stringify({ v: 1 }),
    });
    expect(changes[1]).toMatchObject({ updatedAt: T0 + 5, baseUpdatedAt: T0, baseWriterRegion: REGION });
    expect(feed.readChanges(1, 1).map((change) => change.seq)).toEqual([2]);
    expect(feed.readChanges(3, 10)).toEqual([]);
    expect(feed.headSeq('changes')).toBe(3);
  });

  it('never stamps a write older than the version it replaces, even when the clock goes back', async () => {
    now = T0 + 100;
    await store.transact([{ pk: 'A', sk: 'A', data: { v: 1 } }]);
    now = T0;
    await store.transact([{ pk: 'A', sk: 'A', data: { v: 2 } }]);
    const [first, second] = feed.readChanges(0, 10);
    expect(second?.updatedAt).toBe(T0 + 101);
    expect(second?.baseUpdatedAt).toBe(first?.updatedAt);
  });

  it('reads the region’s own events in order, leaving out those the bus rejected', async () => {
    await store.transact([], [event('e1'), event('e2')]);
    await store.transact([], [event('e3')]);
    db.prepare("UPDATE outbox SET rejected_reason = 'malformed' WHERE event_id = 'e2'").run();
    expect(feed.readEvents(0, 10).map((entry) => [entry.seq, entry.event.id])).toEqual([
      [1, 'e1'],
      [3, 'e3'],
    ]);
    expect(feed.readEvents(1, 10).map((entry) => entry.event.id)).toEqual(['e3']);
    expect(feed.readEvents(0, 10)[0]?.event).toEqual(event('e1'));
    expect(feed.headSeq('events')).toBe(3);
    // A rejected newest event is not the head: no reader would ever reach it.
    db.prepare("UPDATE outbox SET rejected_reason = 'malformed' WHERE event_id = 'e3'").run();
    expect(feed.headSeq('events')).toBe(1);
  });

  it('wakes a long-poll on the next commit, not before', async () => {
    let woke = false;
    const started = Date.now();
    const waiting = feed.waitForNew(5_000).then(() => {
      woke = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(woke).toBe(false);
    await store.transact([{ pk: 'A', sk: 'A', data: {} }]);
    await waiting;
    expect(woke).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('ends a long-poll after waitMs when nothing is committed, or at once when aborted', async () => {
    const started = Date.now();
    await feed.waitForNew(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    const controller = new AbortController();
    const aborted = feed.waitForNew(5_000, controller.signal);
    controller.abort();
    await aborted;
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('leaves no listener on a long-lived signal once its waits are over', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) await feed.waitForNew(1, controller.signal);
    const woken = feed.waitForNew(5_000, controller.signal);
    await store.transact([{ pk: 'B', sk: 'B', data: {} }]);
    await woken;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('wakes only the readers of the stream a commit wrote to; notify() without a stream wakes all', async () => {
    const woken: string[] = [];
    const wait = (name: string, stream?: 'changes' | 'events') =>
      feed.waitForNew(5_000, undefined, stream).then(() => woken.push(name));
    const changes = wait('changes', 'changes');
    const events = wait('events', 'events');
    const either = wait('either');
    await store.transact([{ pk: 'C', sk: 'C', data: {} }]);
    await Promise.all([changes, either]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(woken).toEqual(['changes', 'either']);

    await store.transact([], [event('e9')]);
    await events;
    expect(woken).toEqual(['changes', 'either', 'events']);

    const stopping = Promise.all([wait('a', 'changes'), wait('b', 'events')]);
    feed.notify();
    await stopping;
    expect(woken.slice(3).sort()).toEqual(['a', 'b']);
  });

  it('saves read positions at most once a second, and a new feed on the same file starts from them', () => {
    vi.useFakeTimers();
    const saved = () => db.prepare('SELECT peer, stream, seq FROM replication_peer_acks ORDER BY peer').all();
    feed.acknowledge('eu-west-1', 'events', 4);
    feed.acknowledge('eu-west-1', 'events', 9);
    expect(saved()).toEqual([]);
    expect(feed.eventsReadByAll(['eu-west-1'])).toBe(9);
    vi.advanceTimersByTime(1_000);
    expect(saved()).toEqual([{ peer: 'eu-west-1', stream: 'events', seq: 9 }]);

    feed.acknowledge('ap-south-1', 'events', 2);
    feed.saveAcknowledgements();
    expect(new ChangeFeed(db).eventsReadByAll(['eu-west-1', 'ap-south-1'])).toBe(2);
    expect(new ChangeFeed(db).eventsReadByAll(['eu-west-1'])).toBe(9);

    // A save due after the database closed (the region stopped) does nothing.
    feed.acknowledge('eu-west-1', 'events', 12);
    db.close();
    expect(() => vi.advanceTimersByTime(1_000)).not.toThrow();
  });

  it('reports a failed background save instead of throwing from its timer, and saves on the next try', () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const reporting = new ChangeFeed(db, { onSaveError: (error) => errors.push(error) });
    db.exec(`CREATE TABLE failing (on_off INTEGER); INSERT INTO failing VALUES (1);
      CREATE TRIGGER refuse_acks BEFORE INSERT ON replication_peer_acks WHEN (SELECT on_off FROM failing) = 1
      BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;`);
    reporting.acknowledge('eu-west-1', 'events', 5);
    expect(() => vi.advanceTimersByTime(1_000)).not.toThrow();
    expect(errors.map(String)).toEqual([expect.stringContaining('disk trouble')]);

    db.exec('UPDATE failing SET on_off = 0');
    vi.advanceTimersByTime(1_000);
    expect(db.prepare('SELECT peer, stream, seq FROM replication_peer_acks').all()).toEqual([
      { peer: 'eu-west-1', stream: 'events', seq: 5 },
    ]);
    expect(errors).toHaveLength(1);
  });

  it('remembers how far each peer read, never moving back, and what every peer has read', () => {
    expect(feed.eventsReadByAll([])).toBe(Number.MAX_SAFE_INTEGER);
    expect(feed.eventsReadByAll(['eu-west-1'])).toBe(0);
    feed.acknowledge('eu-west-1', 'events', 7);
    feed.acknowledge('eu-west-1', 'events', 3);
    feed.acknowledge('ap-south-1', 'events', 5);
    feed.acknowledge('eu-west-1', 'changes', 100);
    expect(feed.eventsReadByAll(['eu-west-1'])).toBe(7);
    expect(feed.eventsReadByAll(['eu-west-1', 'ap-south-1'])).toBe(5);
    expect(feed.eventsReadByAll(['eu-west-1', 'sa-east-1'])).toBe(0);
  });
});
