import { ConditionFailedError } from '@meridian/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../sqlite/open-database';
import { SqliteItemStore } from './sqlite-item-store';

describe('SqliteItemStore counter writes', () => {
  let db: ReturnType<typeof openDatabase>;
  let store: SqliteItemStore;
  const key = { pk: 'STOCK#A', sk: 'ALLOTMENT#us-east-1' };
  const reserve = (quantity: number) =>
    store.transact([
      {
        kind: 'counters',
        ...key,
        add: { available: -quantity, reserved: quantity },
        atLeast: { available: quantity },
      },
    ]);

  beforeEach(async () => {
    db = openDatabase(':memory:');
    store = new SqliteItemStore(db, { region: 'us-east-1', clock: { now: () => 1_000 } });
    await store.transact([
      { ...key, data: { sku: 'A', available: 10, reserved: 0, sold: 0 }, expect: 'absent' },
    ]);
  });
  afterEach(() => db.close());

  it('sells exactly the stock there is when many reservations race, and never goes below the floor', async () => {
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => reserve(1)));

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused).toHaveLength(15);
    expect(
      refused.every(
        (result) => result.status === 'rejected' && result.reason instanceof ConditionFailedError,
      ),
    ).toBe(true);
    const item = await store.get(key.pk, key.sk);
    expect(item?.data).toMatchObject({ available: 0, reserved: 10, sold: 0 });
    expect(item?.version).toBe(11);
  });

  it('logs every counter change as the full new image for replication, with the stamp it replaced', async () => {
    await reserve(3);

    const rows = db
      .prepare('SELECT data, version, base_updated_at AS base FROM change_log WHERE pk = ? ORDER BY seq')
      .all(key.pk) as Array<{ data: string; version: number; base: number | null }>;
    expect(rows.map((row) => [JSON.parse(row.data).available, row.version, row.base])).toEqual([
      [10, 1, null],
      [7, 2, 1_000],
    ]);
  });

  it('refuses a change on a missing item and writes nothing else of that transaction', async () => {
    await expect(
      store.transact([
        { pk: 'OTHER', sk: 'X', data: { n: 1 } },
        { kind: 'counters', pk: 'STOCK#B', sk: 'ALLOTMENT#us-east-1', add: { available: -1 } },
      ]),
    ).rejects.toThrow(ConditionFailedError);
    expect(await store.get('OTHER', 'X')).toBeUndefined();
  });
});
