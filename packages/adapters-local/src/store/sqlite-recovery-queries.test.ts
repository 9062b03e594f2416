import { claimWrite, type IdempotencyClaim, type ItemWrite, keys, transferKey } from '@meridian/domain';
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../sqlite/open-database';
import { SqliteItemStore } from './sqlite-item-store';
import { SqliteRecoveryQueries } from './sqlite-recovery-queries';

let db: Database;
let store: SqliteItemStore;
let queries: SqliteRecoveryQueries;

beforeEach(() => {
  db = openDatabase(':memory:');
  store = new SqliteItemStore(db, { region: 'us-east-1', clock: { now: () => 1_735_689_600_000 } });
  queries = new SqliteRecoveryQueries(db);
});
afterEach(() => db.close());

const write = (...writes: ItemWrite[]) => store.transact(writes);
const order = (orderId: string, region: string, data: Record<string, unknown>): ItemWrite => ({
  ...keys.order(orderId),
  data: { orderId, region, ...data },
});
const claim = (region: string, key: string, orderId: string): ItemWrite =>
  claimWrite(
    {
      customerId: 'alice',
      key,
      region,
      orderId,
      requestFingerprint: 'f',
      createdAt: '2025-01-01T00:00:00.000Z',
      expiresAt: 1_735_776_000,
    } satisfies IdempotencyClaim,
    'absent',
  );

describe('SqliteRecoveryQueries', () => {
  it("finds the region's PENDING orders and its CONFIRMED ones with a cancel requested, nothing else", async () => {
    await write(
      order('ord_1', 'us-east-1', { status: 'PENDING' }),
      order('ord_2', 'us-east-1', { status: 'CONFIRMED', cancelRequested: true }),
      order('ord_3', 'us-east-1', { status: 'CONFIRMED' }),
      order('ord_4', 'us-east-1', { status: 'FAILED', cancelRequested: true }),
      order('ord_5', 'eu-west-1', { status: 'PENDING' }),
    );

    expect(queries.ordersToResume('us-east-1').sort((a, b) => a.orderId.localeCompare(b.orderId))).toEqual([
      { orderId: 'ord_1', status: 'PENDING' },
      { orderId: 'ord_2', status: 'CONFIRMED' },
    ]);
  });

  it('finds the transfers addressed to the region, decoded', async () => {
    const transfer = (transferId: string, toRegion: string) => ({
      ...transferKey('SKU-1', transferId),
      data: {
        transferId,
        sku: 'SKU-1',
        fromRegion: 'supplier',
        toRegion,
        quantity: 3,
        createdAt: '2025-01-01T00:00:00.000Z',
      },
    });
    await write(transfer('T-1', 'us-east-1'), transfer('T-2', 'eu-west-1'));

    expect(queries.transfersTo('us-east-1')).toEqual([transfer('T-1', 'us-east-1').data]);
  });

  it('refuses a transfer addressed to the region that it cannot read', async () => {
    await write({
      ...transferKey('SKU-1', 'T-bad'),
      data: { transferId: 'T-bad', toRegion: 'us-east-1', quantity: 'three' },
    });

    expect(() => queries.transfersTo('us-east-1')).toThrow(/no valid stock transfer/);
  });

  it("finds the keys the region claimed that another region's claim or the one-item record also holds", async () => {
    await write(
      claim('us-east-1', 'both', 'ord_A_us-east-1'),
      claim('eu-west-1', 'both', 'ord_B_eu-west-1'),
      claim('us-east-1', 'mine-only', 'ord_C_us-east-1'),
      claim('eu-west-1', 'theirs-only', 'ord_D_eu-west-1'),
      claim('us-east-1', 'older', 'ord_E_us-east-1'),
      {
        pk: keys.idempotencyPartition('alice', 'older'),
        sk: 'IDEMPOTENCY',
        data: { orderId: 'ord_F_eu-west-1' },
      },
    );

    expect(queries.contestedIdempotencyKeys('us-east-1').sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { customerId: 'alice', key: 'both' },
      { customerId: 'alice', key: 'older' },
    ]);
    expect(queries.contestedIdempotencyKeys('eu-west-1')).toEqual([{ customerId: 'alice', key: 'both' }]);
  });
});
