import type { Migration } from '../sqlite/migrations';

/**
 * Replication state of a region: how far it has applied each peer's streams, which peer has read how
 * far of its own streams (so nothing a peer still needs is pruned), and the conflicts it resolved.
 */
export const replicationMigrations: Migration[] = [
  {
    id: 'replication-001-state',
    sql: `
      CREATE TABLE replication_cursors (
        peer TEXT NOT NULL,
        stream TEXT NOT NULL,
        last_seq INTEGER NOT NULL,
        PRIMARY KEY (peer, stream)
      );
      CREATE TABLE replication_peer_acks (
        peer TEXT NOT NULL,
        stream TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (peer, stream)
      );
      CREATE TABLE replication_conflicts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        pk TEXT NOT NULL,
        sk TEXT NOT NULL,
        local_updated_at INTEGER NOT NULL,
        local_writer_region TEXT NOT NULL,
        remote_updated_at INTEGER NOT NULL,
        remote_writer_region TEXT NOT NULL,
        winner TEXT NOT NULL,
        detected_at INTEGER NOT NULL
      );
    `,
  },
];
