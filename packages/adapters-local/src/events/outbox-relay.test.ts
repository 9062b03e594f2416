import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope } from '@meridian/contracts';
import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../sqlite/open-database';
import { SqliteItemStore } from '../store/sqlite-item-store';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';

let cleanups: Array<() => void> = [];

afterEach(() => {
  vi.useRealTimers();
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

function setup(file = ':memory:') {
  const clock = { time: 1_000_000, now: () => clock.time };
  const db = openDatabase(file);
  cleanups.push(() => db.close());
  const store = new SqliteItemStore(db, { region: 'us-east-1', clock });
  const published: string[][] = [];
  const commit = (...ids: string[]) => store.transact([], ids.map(event));
  const outbox = () =>
    db.prepare('SELECT event_id AS id, published_at AS publishedAt FROM outbox ORDER BY seq').all() as Array<{
      id: string;
      publishedAt: number | null;
    }>;
  const relay = (options: Partial<OutboxRelayOptions> = {}) =>
    new OutboxRelay({
      db,
      clock,
      publish: async (events) => {
        published.push(events.map((e) => e.id));
      },
      ...options,
    });
  return { db, store, clock, published, commit, outbox, relay };
}

function event(id: string): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': 'TestHappened',
    source: 'meridian.test',
    account: '000000000000',
    time: '2025-01-01T00:00:00.000Z',
    region: 'us-east-1',
    resources: [],
    detail: {},
  };
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Lets pending promise callbacks and immediate callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('OutboxRelay', () => {
  it('publishes in commit order, batch by batch, and marks every row published', async () => {
    const { commit, published, outbox, relay } = setup();
    await commit('e1', 'e2', 'e3');
    await commit('e4', 'e5');
    const subject = relay({ batchSize: 2 });

    subject.start();
    await subject.drain();

    expect(published).toEqual([['e1', 'e2'], ['e3', 'e4'], ['e5']]);
    expect(outbox().map((row) => row.publishedAt)).toEqual([
      1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000,
    ]);
    expect(subject.pendingCount()).toBe(0);
  });

  it('names when the oldest event still waiting for the bus was committed', async () => {
    const { clock, commit, relay } = setup();
    const subject = relay();
    expect(subject.oldestPendingAt()).toBeUndefined();
    await commit('e1');
    clock.time += 5_000;
    await commit('e2');

    expect(subject.oldestPendingAt()).toBe(1_000_000);

    subject.start();
    await subject.drain();
    expect(subject.oldestPendingAt()).toBeUndefined();
  });

  it('marks rows published only once publish has resolved', async () => {
    const { commit, outbox, relay } = setup();
    await commit('e1', 'e2');
    const gate = deferred();
    const publish = vi.fn(() => gate.promise);
    const subject = relay({ publish });

    subject.start();
    await settle();

    expect(publish).toHaveBeenCalledTimes(1);
    expect(outbox().map((row) => row.publishedAt)).toEqual([null, null]);
    gate.resolve();
    await subject.drain();
    expect(subject.pendingCount()).toBe(0);
  });

  it('keeps the rows unpublished when publish fails, and retries the same batch after a pause', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { commit, outbox, relay } = setup();
    await commit('e1', 'e2');
    const batches: string[][] = [];
    const onError = vi.fn();
    const publish = vi.fn(async (events: EventEnvelope[]) => {
      batches.push(events.map((e) => e.id));
      if (batches.length === 1) throw new Error('bus unavailable');
    });
    const subject = relay({ publish, onError });

    subject.start();
    await settle();
    expect(onError).toHaveBeenCalledWith(new Error('bus unavailable'));
    expect(outbox().map((row) => row.publishedAt)).toEqual([null, null]);

    await vi.advanceTimersByTimeAsync(500);
    await settle();

    expect(batches).toEqual([
      ['e1', 'e2'],
      ['e1', 'e2'],
    ]);
    expect(subject.pendingCount()).toBe(0);
  });

  it('drain() keeps retrying until everything is handed over', async () => {
    const { commit, relay } = setup();
    await commit('e1');
    let attempts = 0;
    const subject = relay({
      publish: async () => {
        attempts++;
        if (attempts < 3) throw new Error('bus unavailable');
      },
    });

    await subject.drain();

    expect(attempts).toBe(3);
    expect(subject.pendingCount()).toBe(0);
  });

  it('wakes on commit and drain() also waits for events committed while a publish is in flight', async () => {
    const { store, commit, published, relay } = setup();
    const gate = deferred();
    const subject = relay({
      publish: async (events) => {
        published.push(events.map((e) => e.id));
        if (published.length === 1) await gate.promise;
      },
    });
    store.onCommit(() => subject.notify());
    subject.start();

    await commit('e1');
    await settle();
    await commit('e2');
    await commit('e3');
    let drained = false;
    const draining = subject.drain().then(() => {
      drained = true;
    });
    await settle();
    expect(drained).toBe(false);
    gate.resolve();
    await draining;

    expect(published).toEqual([['e1'], ['e2', 'e3']]);
    expect(subject.pendingCount()).toBe(0);
  });

  it('lets a new relay publish what a crashed one left unpublished', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-outbox-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'region.db');
    const crashed = setup(file);
    await crashed.commit('e1', 'e2');
    // The first process hands the batch to the bus and dies before the bus answers.
    crashed.relay({ publish: () => new Promise(() => {}) }).start();
    await settle();

    const restarted = setup(file);
    const subject = restarted.relay();
    subject.start();
    await subject.drain();

    expect(restarted.published).toEqual([['e1', 'e2']]);
    expect(crashed.outbox().every((row) => row.publishedAt !== null)).toBe(true);
  });

  it('prunes published rows once they are older than the retention', async () => {
    const { clock, commit, outbox, relay } = setup();
    const subject = relay({ retainPublishedMs: 60_000 });
    await commit('old');
    await subject.drain();

    clock.time += 30_000;
    await commit('recent');
    await subject.drain();
    expect(outbox().map((row) => row.id)).toEqual(['old', 'recent']);

    clock.time += 40_000;
    await commit('new');
    await subject.drain();
    expect(outbox().map((row) => row.id)).toEqual(['recent', 'new']);
  });

  it('publishes nothing once stopped, and resumes when started again', async () => {
    const { store, commit, published, relay } = setup();
    const subject = relay();
    store.onCommit(() => subject.notify());
    subject.start();
    await subject.stop();

    await commit('e1');
    await settle();
    expect(published).toEqual([]);

    subject.start();
    await subject.drain();
    expect(published).toEqual([['e1']]);
  });

  // drain() after stop() must return even with rows pending (a stopped relay publishes nothing more);
  // a counting database stands in for the hang it would otherwise be.
  it('does not spin when drained after stop() with rows pending', async () => {
    const { db, commit, relay } = setup();
    let counts = 0;
    const counting = new Proxy(db, {
      get(target, property) {
        if (property !== 'prepare') return Reflect.get(target, property, target);
        return (sql: string) => {
          const statement = target.prepare(sql);
          if (!sql.includes('COUNT(*)')) return statement;
          return {
            get: () => {
              if (++counts > 10_000) throw new Error('drain() is spinning');
              return statement.get();
            },
          };
        };
      },
    }) as Database;
    const subject = relay({ db: counting });
    await subject.stop();
    await commit('e1');

    const outcome = await subject.drain().then(
      () => 'returned',
      (error: Error) => error.message,
    );

    expect(outcome).not.toBe('drain() is spinning');
  });
});
