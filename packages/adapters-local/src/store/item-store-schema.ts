import type { Migration } from '../sqlite/migrations';

/**
 * The region's single table (same keys as the DynamoDB table), its change log (the stream that
 * replication reads) and the transactional outbox (the events the relay publishes to the bus).
 */
export const itemStoreMigrations: Migration[] = [
  {
    id: 'store-001-items',
    sql: `
      CREATE TABLE items (
        pk TEXT NOT NULL,
        sk TEXT NOT NULL,
        data TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        writer_region TEXT NOT NULL,
        gsi1pk TEXT, gsi1sk TEXT,
        gsi2pk TEXT, gsi2sk TEXT,
        PRIMARY KEY (pk, sk)
      ) WITHOUT ROWID;
      CREATE INDEX items_gsi1 ON items (gsi1pk, gsi1sk, pk, sk) WHERE gsi1pk IS NOT NULL;
      CREATE INDEX items_gsi2 ON items (gsi2pk, gsi2sk, pk, sk) WHERE gsi2pk IS NOT NULL;
      CREATE TABLE change_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        pk TEXT NOT NULL,
        sk TEXT NOT NULL,
        data TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        writer_region TEXT NOT NULL,
        gsi1pk TEXT, gsi1sk TEXT,
        gsi2pk TEXT, gsi2sk TEXT
      );
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE,
        event TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        published_at INTEGER
      );
      CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;
    `,
  },
  {
    // Events the bus refused as malformed are set aside (published_at set, reason kept) instead of
    // blocking every later event behind them.
    id: 'store-002-outbox-rejected',
    sql: 'ALTER TABLE outbox ADD COLUMN rejected_reason TEXT;',
  },
  {
    // Each change remembers the version stamp it replaced, so a replica can tell a change made on top of
    // what it holds (in order) from a concurrent one (a conflict), as DynamoDB global tables cannot.
    id: 'store-003-change-base',
    sql: `ALTER TABLE change_log ADD COLUMN base_updated_at INTEGER;
      ALTER TABLE change_log ADD COLUMN base_writer_region TEXT;`,
  },
];
