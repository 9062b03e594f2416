import type { EventEnvelope } from '@meridian/contracts';
import type { Database } from 'better-sqlite3';
import { applyMigrations } from '../sqlite/migrations';
import { StatementCache } from '../sqlite/statement-cache';
import { replicationMigrations } from './replication-schema';

/** One committed write of an item, as a peer applies it (the item's full new image). */
export interface ItemChange {
  seq: number;
  pk: string;
  sk: string;
  data: string;
  version: number;
  updatedAt: number;
  writerRegion: string;
  gsi1pk: string | null;
  gsi1sk: string | null;
  gsi2pk: string | null;
  gsi2sk: string | null;
  /** The version stamp this write replaced; null when it created the item. */
  baseUpdatedAt: number | null;
  baseWriterRegion: string | null;
}

export interface EventChange {
  seq: number;
  event: EventEnvelope;
}

export type ReplicationStream = 'changes' | 'events';

/**
 * The source side of replication: a region's own writes (change_log) and its own events (outbox), read
 * in commit order by sequence number. Readers long-poll: `waitForNew` resolves on the next commit.
 */
export class ChangeFeed {
  private waiters: Array<() => void> = [];

  private readonly sql: StatementCache;

  constructor(db: Database) {
    applyMigrations(db, replicationMigrations);
    this.sql = new StatementCache(db);
  }

  /** Wakes every long-poll; the store calls it after each commit. */
  notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  readChanges(afterSeq: number, limit: number): ItemChange[] {
    return this.sql
      .get(
        `SELECT seq, pk, sk, data, version, updated_at AS updatedAt, writer_region AS writerRegion, gsi1pk, gsi1sk,
           gsi2pk, gsi2sk, base_updated_at AS baseUpdatedAt, base_writer_region AS baseWriterRegion
         FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?`,
      )
      .all(afterSeq, limit) as ItemChange[];
  }

  readEvents(afterSeq: number, limit: number): EventChange[] {
    const rows = this.sql
      .get('SELECT seq, event FROM outbox WHERE seq > ? AND rejected_reason IS NULL ORDER BY seq LIMIT ?')
      .all(afterSeq, limit) as Array<{ seq: number; event: string }>;
    return rows.map((row) => ({ seq: row.seq, event: JSON.parse(row.event) as EventEnvelope }));
  }

  /** The newest sequence number of a stream (0 when empty): where a live tail starts. */
  headSeq(stream: ReplicationStream): number {
    const table = stream === 'changes' ? 'change_log' : 'outbox';
    return (this.sql.get(`SELECT COALESCE(MAX(seq), 0) AS seq FROM ${table}`).get() as { seq: number }).seq;
  }

  /** Resolves when something new is committed, or after `waitMs` (or at once when aborted). */
  waitForNew(waitMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Records how far a peer has read a stream (it asked for everything after `seq`). */
  acknowledge(peer: string, stream: ReplicationStream, seq: number): void {
    this.sql
      .get(
        `INSERT INTO replication_peer_acks (peer, stream, seq) VALUES (?, ?, ?)
         ON CONFLICT (peer, stream) DO UPDATE SET seq = MAX(seq, excluded.seq)`,
      )
      .run(peer, stream, seq);
  }

  /** The highest outbox sequence every listed peer has read; nothing above it may be pruned. */
  eventsReadByAll(peers: readonly string[]): number {
    if (peers.length === 0) return Number.MAX_SAFE_INTEGER;
    const acks = this.sql
      .get("SELECT peer, seq FROM replication_peer_acks WHERE stream = 'events'")
      .all() as Array<{ peer: string; seq: number }>;
    const byPeer = new Map(acks.map((ack) => [ack.peer, ack.seq]));
    return Math.min(...peers.map((peer) => byPeer.get(peer) ?? 0));
  }
}
