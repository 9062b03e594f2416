import type { Database, Statement } from 'better-sqlite3';

/**
 * The few questions a region asks of its whole table when it starts, to finish what a crash left
 * unfinished. They scan the SQLite table directly (a start is rare, and these items have no index of
 * their own); the rules that act on the answers live in the domain.
 */
export class RecoveryQueries {
  private readonly statements: {
    transfersTo: Statement<[string], { data: string }>;
    ordersToResume: Statement<[string], { orderId: string; status: string }>;
    contestedKeys: Statement<[string], { customerId: string; key: string }>;
  };

  constructor(db: Database) {
    this.statements = {
      transfersTo: db.prepare(
        "SELECT data FROM items WHERE sk LIKE 'TRANSFER#%' AND json_extract(data, '$.toRegion') = ?",
      ),
      ordersToResume: db.prepare(
        `SELECT json_extract(data, '$.orderId') AS orderId, json_extract(data, '$.status') AS status
         FROM items
         WHERE sk = 'ORDER' AND json_extract(data, '$.region') = ?
           AND (json_extract(data, '$.status') = 'PENDING'
             OR (json_extract(data, '$.status') = 'CONFIRMED' AND json_extract(data, '$.cancelRequested') = 1))`,
      ),
      contestedKeys: db.prepare(
        `SELECT DISTINCT json_extract(mine.data, '$.customerId') AS customerId, json_extract(mine.data, '$.key') AS key
         FROM items mine
         JOIN items other ON other.pk = mine.pk AND other.sk <> mine.sk
           AND (other.sk LIKE 'CLAIM#%' OR other.sk = 'IDEMPOTENCY')
         WHERE mine.sk = 'CLAIM#' || ?`,
      ),
    };
  }

  /** Stock transfer records addressed to `region` (each is credited at most once; crediting is idempotent). */
  transfersTo(region: string): Array<Record<string, unknown>> {
    return this.statements.transfersTo
      .all(region)
      .map((row) => JSON.parse(row.data) as Record<string, unknown>);
  }

  /** The region's orders a saga may still owe something: PENDING, or CONFIRMED with a cancel requested. */
  ordersToResume(region: string): Array<{ orderId: string; status: 'PENDING' | 'CONFIRMED' }> {
    return this.statements.ordersToResume.all(region) as Array<{
      orderId: string;
      status: 'PENDING' | 'CONFIRMED';
    }>;
  }

  /** Idempotency-Keys this region and another region both claimed (see the domain's duplicate-orders). */
  contestedIdempotencyKeys(region: string): Array<{ customerId: string; key: string }> {
    return this.statements.contestedKeys.all(region);
  }
}
