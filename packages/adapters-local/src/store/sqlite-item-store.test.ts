import type { EventEnvelope } from '@meridian/contracts';
import { ConditionFailedError, InvalidCursorError, type ItemWrite, type StoredItem } from '@meridian/domain';
import { describeIndexCursorContract, describeItemStoreContract } from '@meridian/domain/testing';
import type { Database } from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../sqlite/open-database';
import { SqliteItemStore } from './sqlite-item-store';

const NOW = 1_735_689_600_000;

let db: Database;
let store: SqliteItemStore;

beforeEach(() => {
  ({ db, store } = openStore());
});

afterEach(() => {
  db.close();
});

function openStore(): { db: Database; store: SqliteItemStore } {
  const database = openDatabase(':memory:');
  return {
    db: database,
    store: new SqliteItemStore(database, { region: 'us-east-1', clock: { now: () => NOW } }),
  };
}

function event(id: string): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': 'TestHappened',
    source: 'meridian.test',
    account: '000000000000',
    time: new Date(NOW).toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: { n: id },
  };
}

function rows(table: 'change_log' | 'outbox'): Array<Record<string, unknown>> {
  return db.prepare(`SELECT * FROM ${table} ORDER BY seq`).all() as Array<Record<string, unknown>>;
}

describe('conditional writes', () => {
  it('creates with expect absent, then refuses to create again', async () => {
    await store.transact([{ pk: 'A', sk: 'X', data: { n: 1 }, expect: 'absent' }]);

    await expect(store.transact([{ pk: 'A', sk: 'X', data: { n: 2 }, expect: 'absent' }])).rejects.toThrow(
      ConditionFailedError,
    );
    expect(await store.get('A', 'X')).toEqual({ pk: 'A', sk: 'X', data: { n: 1 }, version: 1 });
  });

  it('increments the version on every write and checks an expected version', async () => {
    await store.transact([{ pk: 'A', sk: 'X', data: { n: 1 } }]);
    await store.transact([{ pk: 'A', sk: 'X', data: { n: 2 }, expect: 1 }]);
    await store.transact([{ pk: 'A', sk: 'X', data: { n: 3 } }]);

    await expect(store.transact([{ pk: 'A', sk: 'X', data: { n: 4 }, expect: 2 }])).rejects.toThrow(
      ConditionFailedError,
    );
    await expect(store.transact([{ pk: 'NEW', sk: 'X', data: {}, expect: 1 }])).rejects.toThrow(
      ConditionFailedError,
    );
    expect(await store.get('A', 'X')).toEqual({ pk: 'A', sk: 'X', data: { n: 3 }, version: 3 });
    expect(await store.get('NEW', 'X')).toBeUndefined();
  });

  it('writes nothing at all — items, change log, outbox — when one write of a transaction fails', async () => {
    await store.transact([{ pk: 'B', sk: 'X', data: { n: 1 } }]);
    const changesBefore = rows('change_log').length;
    let commits = 0;
    store.onCommit(() => commits++);

    const failing = store.transact(
      [
        { pk: 'A', sk: 'X', data: { n: 1 }, expect: 'absent' },
        { pk: 'B', sk: 'X', data: { n: 2 }, expect: 1 },
        { pk: 'C', sk: 'X', data: { n: 3 }, expect: 1 },
      ],
      [event('e1')],
    );

    await expect(failing).rejects.toThrow(ConditionFailedError);
    expect(await store.get('A', 'X')).toBeUndefined();
    expect(await store.get('B', 'X')).toMatchObject({ data: { n: 1 }, version: 1 });
    expect(rows('change_log')).toHaveLength(changesBefore);
    expect(rows('outbox')).toEqual([]);
    expect(commits).toBe(0);
  });
});

describe('change log and outbox', () => {
  it('logs one row per write with its new image, and records the events in the same transaction', async () => {
    await store.transact(
      [
        { pk: 'A', sk: 'X', data: { n: 1 }, gsi1: { pk: 'IDX', sk: 's1' } },
        { pk: 'B', sk: 'Y', data: { n: 2 } },
      ],
      [event('e1'), event('e2')],
    );
    await store.transact([{ pk: 'A', sk: 'X', data: { n: 3 } }]);

    expect(
      rows('change_log').map(({ pk, sk, data, version, updated_at, writer_region, gsi1pk }) => [
        pk,
        sk,
        data,
        version,
        updated_at,
        writer_region,
        gsi1pk,
      ]),
    ).toEqual([
      ['A', 'X', '{"n":1}', 1, NOW, 'us-east-1', 'IDX'],
      ['B', 'Y', '{"n":2}', 1, NOW, 'us-east-1', null],
      // A rewrite within the same millisecond still moves the item's time forward, so last-writer-wins keeps it.
      ['A', 'X', '{"n":3}', 2, NOW + 1, 'us-east-1', null],
    ]);
    expect(
      rows('outbox').map((row) => [row.event_id, JSON.parse(String(row.event)), row.published_at]),
    ).toEqual([
      ['e1', event('e1'), null],
      ['e2', event('e2'), null],
    ]);
  });

  it('wakes commit listeners only when a transaction recorded events, until they unsubscribe', async () => {
    let commits = 0;
    const unsubscribe = store.onCommit(() => commits++);

    await store.transact([{ pk: 'A', sk: 'X', data: {} }]);
    await store.transact([{ pk: 'A', sk: 'X', data: {} }], [event('e1')]);
    await store.transact([], [event('e2')]);
    unsubscribe();
    await store.transact([{ pk: 'A', sk: 'X', data: {} }], [event('e3')]);

    expect(commits).toBe(2);
  });
});

describe('reads', () => {
  it('answers the health probe while the database is open, and throws once it is closed', () => {
    expect(store.answers()).toBe(true);
    const { db: other, store: closed } = openStore();
    other.close();
    expect(() => closed.answers()).toThrow();
  });

  it('gets many, skipping missing keys, and queries a partition by sort-key prefix in order', async () => {
    await store.transact(
      ['ALLOTMENT#us', 'ALLOTMENT#eu', 'META', 'ALLOTMENT'].map((sk) => ({
        pk: 'STOCK#A',
        sk,
        data: { sk },
      })),
    );

    const many = await store.getMany([
      { pk: 'STOCK#A', sk: 'META' },
      { pk: 'STOCK#A', sk: 'NONE' },
      { pk: 'STOCK#A', sk: 'ALLOTMENT#us' },
    ]);
    const prefixed = await store.queryPartition('STOCK#A', { skPrefix: 'ALLOTMENT#' });

    expect(many.map((item) => item.sk)).toEqual(['META', 'ALLOTMENT#us']);
    expect(prefixed.map((item) => item.sk)).toEqual(['ALLOTMENT#eu', 'ALLOTMENT#us']);
    expect((await store.queryPartition('STOCK#A')).map((item) => item.sk)).toEqual([
      'ALLOTMENT',
      'ALLOTMENT#eu',
      'ALLOTMENT#us',
      'META',
    ]);
  });

  it('moves an item out of an index when a later write leaves the index key off', async () => {
    await store.transact([{ pk: 'A', sk: 'X', data: {}, gsi2: { pk: 'IDX', sk: '1' } }]);
    await store.transact([{ pk: 'A', sk: 'X', data: {} }]);

    expect((await store.queryIndex('gsi2', 'IDX', { limit: 10 })).items).toEqual([]);
  });
});

describe('queryIndex pagination', () => {
  const sortKeys = fc.stringMatching(/^[0-9a-c:#-]{0,4}$/);
  const itemsArbitrary = fc.uniqueArray(
    fc.record({
      pk: fc.stringMatching(/^[A-Za-z0-9#]{1,6}$/),
      indexSk: sortKeys,
      index: fc.constantFrom('IDX', 'IDX', 'OTHER'),
    }),
    { selector: (item) => item.pk, maxLength: 60 },
  );

  async function allPages(
    target: SqliteItemStore,
    limit: number,
    descending: boolean,
  ): Promise<StoredItem[]> {
    const seen: StoredItem[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 500; pages++) {
      const page = await target.queryIndex('gsi1', 'IDX', { limit, cursor, descending });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      if (page.nextCursor) expect(page.items).toHaveLength(limit);
      seen.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) return seen;
    }
    throw new Error('pagination did not end');
  }

  it('visits every item of the index exactly once, in sort-key order, ascending and descending', async () => {
    await fc.assert(
      fc.asyncProperty(
        itemsArbitrary,
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        async (items, limit, descending) => {
          const { db: database, store: target } = openStore();
          try {
            const writes: ItemWrite[] = items.map((item) => ({
              pk: item.pk,
              sk: 'ITEM',
              data: { pk: item.pk },
              gsi1: { pk: item.index, sk: item.indexSk },
            }));
            if (writes.length > 0) await target.transact(writes);

            const seen = await allPages(target, limit, descending);

            const position = (item: { pk: string; indexSk: string }) => [item.indexSk, item.pk] as const;
            const expected = items
              .filter((item) => item.index === 'IDX')
              .map(position)
              .sort(([aSk, aPk], [bSk, bPk]) =>
                aSk < bSk ? -1 : aSk > bSk ? 1 : aPk < bPk ? -1 : aPk > bPk ? 1 : 0,
              );
            if (descending) expected.reverse();
            expect(seen.map((item) => item.pk)).toEqual(expected.map(([, pk]) => pk));
          } finally {
            database.close();
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  // Two items of one partition may share an index sort key: the cursor carries (index sk, pk, sk) like
  // DynamoDB's LastEvaluatedKey, so the next page skips neither.
  it('does not skip an item that ties with another of the same partition on the index sort key', async () => {
    await store.transact([
      { pk: 'P', sk: 'A', data: {}, gsi1: { pk: 'IDX', sk: 'same' } },
      { pk: 'P', sk: 'B', data: {}, gsi1: { pk: 'IDX', sk: 'same' } },
    ]);

    for (const descending of [false, true]) {
      const seen = await allPages(store, 1, descending);
      expect(seen.map((item) => item.sk).sort()).toEqual(['A', 'B']);
    }
  });

  it('caps a page at 200 items and treats a limit below one as one', async () => {
    for (let start = 0; start < 205; start += 100) {
      await store.transact(
        Array.from({ length: Math.min(100, 205 - start) }, (_, i) => ({
          pk: `P${start + i}`,
          sk: 'I',
          data: {},
          gsi1: { pk: 'IDX', sk: 's' },
        })),
      );
    }

    expect((await store.queryIndex('gsi1', 'IDX', { limit: 1_000 })).items).toHaveLength(200);
    expect((await store.queryIndex('gsi1', 'IDX', { limit: 0 })).items).toHaveLength(1);
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['JSON that is not a position', Buffer.from('{"sk":"a"}').toString('base64url')],
    ['a position of numbers', Buffer.from('[1,2]').toString('base64url')],
    ['a position of two parts', Buffer.from('["a","b"]').toString('base64url')],
    ['a position of four parts', Buffer.from('["a","b","c","d"]').toString('base64url')],
  ])('refuses %s as a cursor', async (_, cursor) => {
    await expect(store.queryIndex('gsi1', 'IDX', { limit: 1, cursor })).rejects.toThrow(InvalidCursorError);
  });
});

describeIndexCursorContract('SqliteItemStore', async () => {
  const opened = openStore();
  await opened.store.transact([
    { pk: 'A', sk: 'I', data: {}, gsi1: { pk: 'IDX', sk: '1' } },
    { pk: 'B', sk: 'I', data: {}, gsi1: { pk: 'IDX', sk: '2' } },
    { pk: 'C', sk: 'I', data: {}, gsi1: { pk: 'IDX', sk: '3' } },
    { pk: 'D', sk: 'I', data: {}, gsi1: { pk: 'OTHER', sk: '1' } },
  ]);
  return opened.store;
});

const databases = new WeakMap<object, Database>();
describeItemStoreContract(
  'SqliteItemStore',
  async () => {
    const opened = openStore();
    databases.set(opened.store, opened.db);
    return opened.store;
  },
  async (opened) => {
    databases.get(opened)?.close();
  },
);
