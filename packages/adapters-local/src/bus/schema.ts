import type { Migration } from '../sqlite/migrations';

/**
 * The bus tables. Every row carries `bus_name`, so several buses can share one region database.
 * Times are integer milliseconds since the epoch: ISO strings with and without fractions do not sort
 * correctly as text. Deliveries and dead letters point at the archived event instead of copying it.
 */
export const busMigrations: readonly Migration[] = [
  {
    id: 'bus-001-archived-events',
    sql: `
      CREATE TABLE bus_archived_events (
        seq INTEGER PRIMARY KEY,
        bus_name TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_time_ms INTEGER NOT NULL,
        event_json TEXT NOT NULL,
        archived_at_ms INTEGER NOT NULL,
        UNIQUE (bus_name, event_id)
      );
      CREATE INDEX bus_archived_events_by_time ON bus_archived_events (bus_name, event_time_ms, seq);
    `,
  },
  {
    id: 'bus-002-deliveries',
    sql: `
      CREATE TABLE bus_deliveries (
        id INTEGER PRIMARY KEY,
        bus_name TEXT NOT NULL,
        archive_seq INTEGER NOT NULL REFERENCES bus_archived_events (seq),
        rule_name TEXT NOT NULL,
        target_id TEXT NOT NULL,
        replay_name TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at_ms INTEGER NOT NULL,
        -- Set while a bus instance is invoking the target; cleared when the attempt is recorded and,
        -- for attempts a crashed process never finished, by start().
        claimed_at_ms INTEGER,
        last_error TEXT,
        created_at_ms INTEGER NOT NULL
      );
      CREATE INDEX bus_deliveries_due ON bus_deliveries (bus_name, claimed_at_ms, next_attempt_at_ms, id);
      CREATE INDEX bus_deliveries_by_archive_seq ON bus_deliveries (archive_seq);
    `,
  },
  {
    id: 'bus-003-dead-letters',
    sql: `
      CREATE TABLE bus_dead_letters (
        id INTEGER PRIMARY KEY,
        bus_name TEXT NOT NULL,
        archive_seq INTEGER NOT NULL REFERENCES bus_archived_events (seq),
        rule_name TEXT NOT NULL,
        target_id TEXT NOT NULL,
        replay_name TEXT,
        attempts INTEGER NOT NULL,
        last_error TEXT NOT NULL,
        failed_at_ms INTEGER NOT NULL
      );
      CREATE INDEX bus_dead_letters_by_bus ON bus_dead_letters (bus_name, id);
      CREATE INDEX bus_dead_letters_by_archive_seq ON bus_dead_letters (archive_seq);
    `,
  },
  {
    id: 'bus-004-replays',
    sql: `
      CREATE TABLE bus_replays (
        bus_name TEXT NOT NULL,
        name TEXT NOT NULL,
        from_ms INTEGER NOT NULL,
        to_ms INTEGER NOT NULL,
        rule_names_json TEXT,
        started_at_ms INTEGER NOT NULL,
        completed_at_ms INTEGER,
        replayed INTEGER,
        PRIMARY KEY (bus_name, name)
      );
    `,
  },
];
