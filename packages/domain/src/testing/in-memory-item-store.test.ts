import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConditionFailedError, InvalidCursorError, type StoredItem } from '../store/item-store';
import {
  describeIndexCursorContract,
  describeItemStoreContract,
  InMemoryItemStore,
} from './in-memory-item-store';

// The double must keep the port's promises, or domain tests built on it prove nothing.
describe('InMemoryItemStore', () => {
  it('checks expectations, counts versions and applies a transaction all or nothing', async () => {
    const store = new InMemoryItemStore();
    await store.transact([{ pk: 'A', sk: 'X', data: { n: 1 }, expect: 'absent' }]);
    await store.transact([{ pk: 'A', sk: 'X', data: { n: 2 }, expect: 1 }]);

    await expect(store.transact([{ pk: 'A', sk: 'X', data: {}, expect: 'absent' }])).rejects.toThrow(
      ConditionFailedError,
    );
    await expect(
      store.transact([
        { pk: 'B', sk: 'X', data: {} },
        { pk: 'A', sk: 'X', data: {}, expect: 1 },
      ]),
    ).rejects.toThrow(ConditionFailedError);

    expect(await store.get('A', 'X')).toEqual({ pk: 'A', sk: 'X', data: { n: 2 }, version: 2 });
    expect(await store.get('B', 'X')).toBeUndefined();
    expect(store.transactions).toHaveLength(2);
  });

  it('hands out copies, so callers cannot change stored data behind its back', async () => {
    const store = new InMemoryItemStore();
    const data = { nested: { n: 1 } };
    await store.transact([{ pk: 'A', sk: 'X', data }]);
    data.nested.n = 99;
    const read = await store.get('A', 'X');
    (read?.data.nested as { n: number }).n = 42;

    expect((await store.get('A', 'X'))?.data).toEqual({ nested: { n: 1 } });
  });

  it('pages through an index once per item in both directions, ties included', async () => {
    const items = fc.uniqueArray(
      fc.record({
        pk: fc.constantFrom('P1', 'P2', 'P3'),
        sk: fc.string({ maxLength: 3 }),
        indexSk: fc.constantFrom('a', 'b', 'c'),
      }),
      { selector: (item) => `${item.pk}\u0000${item.sk}`, maxLength: 40 },
    );
    await fc.assert(
      fc.asyncProperty(
        items,
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        async (rows, limit, descending) => {
          const store = new InMemoryItemStore();
          await store.transact(
            rows.map((row) => ({ pk: row.pk, sk: row.sk, data: {}, gsi1: { pk: 'IDX', sk: row.indexSk } })),
          );

          const seen: StoredItem[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.queryIndex('gsi1', 'IDX', { limit, cursor, descending });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            seen.push(...page.items);
            cursor = page.nextCursor;
          } while (cursor);

          expect(seen.map((item) => `${item.pk}\u0000${item.sk}`).sort()).toEqual(
            rows.map((row) => `${row.pk}\u0000${row.sk}`).sort(),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a cursor it did not issue', async () => {
    await expect(
      new InMemoryItemStore().queryIndex('gsi1', 'IDX', { limit: 1, cursor: 'not-a-cursor' }),
    ).rejects.toThrow(InvalidCursorError);
  });
});

describeIndexCursorContract('InMemoryItemStore', async () => {
  const store = new InMemoryItemStore();
  await store.transact([
    { pk: 'A', sk: 'I', data: {}, gsi1: { pk: 'IDX', sk: '1' } },
    { pk: 'B', sk: 'I', data: {}, gsi1: { pk: 'IDX', sk: '2' } },
    { pk: 'C', sk: 'I', data: {}, gsi1: { pk: 'IDX', sk: '3' } },
    { pk: 'D', sk: 'I', data: {}, gsi1: { pk: 'OTHER', sk: '1' } },
  ]);
  return store;
});

describeItemStoreContract('InMemoryItemStore', async () => new InMemoryItemStore());
