import {
  decodeStockTransfer,
  type OrderToResume,
  type RecoveryQueries,
  type StockTransfer,
  sortKeys,
  stringField,
} from '@meridian/domain';
import type { Database, Statement } from 'better-sqlite3';

/**
 * The start-up scans (the domain's RecoveryQueries port) over the SQLite table. They read it directly (a
 * start is rare, and these items have no index of their own); the key layout comes from the domain's
 * `sortKeys`, every answer is decoded before it leaves.
 */
export class SqliteRecoveryQueries implements RecoveryQueries {
  private readonly statements: {
    transfersTo: Statement<[{ prefix: string; region: string }], { pk: string; sk: string; data: string }>;
    ordersToResume: Statement<[{ sk: string; region: string }], { orderId: unknown; status: unknown }>;
    contestedKeys: Statement<
      [{ claimPrefix: string; oneItem: string; region: string }],
      { customerId: unknown; key: unknown }
    >;
  };

  constructor(db: Database) {
    this.statements = {
      transfersTo: db.prepare(
        `SELECT pk, sk, data FROM items
         WHERE sk LIKE @prefix || '%' AND json_extract(data, '$.toRegion') = @region`,
      ),
      ordersToResume: db.prepare(
        `SELECT json_extract(data, '$.orderId') AS orderId, json_extract(data, '$.status') AS status
         FROM items
         WHERE sk = @sk AND json_extract(data, '$.region') = @region
           AND (json_extract(data, '$.status') = 'PENDING'
             OR (json_extract(data, '$.status') = 'CONFIRMED' AND json_extract(data, '$.cancelRequested') = 1))`,
      ),
      // This region's claim and any other claim (of another region, or the older one-item record) on one key.
      contestedKeys: db.prepare(
        `SELECT DISTINCT json_extract(mine.data, '$.customerId') AS customerId, json_extract(mine.data, '$.key') AS key
         FROM items mine
         JOIN items other ON other.pk = mine.pk AND other.sk <> mine.sk
           AND (other.sk LIKE @claimPrefix || '%' OR other.sk = @oneItem)
         WHERE mine.sk = @claimPrefix || @region`,
      ),
    };
  }

  transfersTo(region: string): StockTransfer[] {
    return this.statements.transfersTo.all({ prefix: sortKeys.stockTransferPrefix, region }).map((row) =>
      decodeStockTransfer({
        pk: row.pk,
        sk: row.sk,
        data: JSON.parse(row.data) as Record<string, unknown>,
      }),
    );
  }

  ordersToResume(region: string): OrderToResume[] {
    return this.statements.ordersToResume.all({ sk: sortKeys.order, region }).flatMap((row) => {
      const status = row.status === 'PENDING' || row.status === 'CONFIRMED' ? row.status : undefined;
      return typeof row.orderId === 'string' && status ? [{ orderId: row.orderId, status }] : [];
    });
  }

  contestedIdempotencyKeys(region: string): Array<{ customerId: string; key: string }> {
    const rows = this.statements.contestedKeys.all({
      claimPrefix: sortKeys.idempotencyClaimPrefix,
      oneItem: sortKeys.oneItemIdempotency,
      region,
    });
    // A claim this code wrote always names both; anything else cannot be decided on and is left out.
    return rows.flatMap((row) => {
      const customerId = stringField(row, 'customerId');
      const key = stringField(row, 'key');
      return customerId && key ? [{ customerId, key }] : [];
    });
  }
}
