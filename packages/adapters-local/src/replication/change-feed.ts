import { systemTimers, type TimerHandle, type Timers } from '@meridian/adapters-node';
import type { EventEnvelope } from '@meridian/contracts';
import type { Database } from 'better-sqlite3';
import { limitClause } from '../sqlite/limit-clause';
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

interface Waiter {
  stream: ReplicationStream | undefined;
  wake: () => void;
}

/** How long a peer's read position may stay in memory only (see `acknowledge`). */
const ACK_PERSIST_DELAY_MS = 1_000;

/**
 * The source side of replication: a region's own writes (change_log) and its own events (outbox), read
 * in commit order by sequence number. Readers long-poll: `waitForNew` resolves on the next commit to
 * their stream.
 */
export class ChangeFeed {
  private waiters: Waiter[] = [];
  /** Peer read positions, `peer\0stream` → seq; those in `unsaved` are not in the database yet. */
  private readonly acks = new Map<string, { peer: string; stream: ReplicationStream; seq: number }>();
  private readonly unsaved = new Set<string>();
  private saveTimer: TimerHandle | undefined;
  private readonly timers: Timers;

  private readonly sql: StatementCache;

  constructor(
    private readonly db: Database,
    private readonly options: {
      /**
       * A failed background save of read positions, retried a second later. Pruning reads the positions in
       * memory, so a failing save only means a restart would start from older ones.
       */
      onSaveError?: (error: unknown) => void;
      timers?: Timers;
    } = {},
  ) {
    this.timers = options.timers ?? systemTimers;
    applyMigrations(db, replicationMigrations);
    this.sql = new StatementCache(db);
    const saved = this.sql.get('SELECT peer, stream, seq FROM replication_peer_acks').all() as Array<{
      peer: string;
      stream: ReplicationStream;
      seq: number;
    }>;
    for (const ack of saved) this.acks.set(`${ack.peer}\0${ack.stream}`, ack);
  }

  /**
   * Wakes the long-polls on `stream` (the store calls it after each commit that wrote items or recorded
   * events), or every long-poll when no stream is given (the region is stopping). A commit wakes only
   * the readers with something new to read: the other stream's commits never end a long-poll empty.
   */
  notify(stream?: ReplicationStream): void {
    const woken: Waiter[] = [];
    const waiting: Waiter[] = [];
    for (const waiter of this.waiters) {
      const wanted = stream === undefined || waiter.stream === undefined || waiter.stream === stream;
      (wanted ? woken : waiting).push(waiter);
    }
    this.waiters = waiting;
    for (const waiter of woken) waiter.wake();
  }

  readChanges(afterSeq: number, limit: number): ItemChange[] {
    return this.sql
      .get(
        `SELECT seq, pk, sk, data, version, updated_at AS updatedAt, writer_region AS writerRegion, gsi1pk, gsi1sk,
           gsi2pk, gsi2sk, base_updated_at AS baseUpdatedAt, base_writer_region AS baseWriterRegion
         FROM change_log WHERE seq > ? ORDER BY seq ${limitClause(limit)}`,
      )
      .all(afterSeq) as ItemChange[];
  }

  readEvents(afterSeq: number, limit: number): EventChange[] {
    const rows = this.sql
      .get(
        `SELECT seq, event FROM outbox WHERE seq > ? AND rejected_reason IS NULL ORDER BY seq ${limitClause(limit)}`,
      )
      .all(afterSeq) as Array<{ seq: number; event: string }>;
    return rows.map((row) => ({ seq: row.seq, event: JSON.parse(row.event) as EventEnvelope }));
  }

  /**
   * The newest sequence number of a stream that readers receive (0 when none): where a live tail starts
   * and what a caught-up reader's cursor reaches. Events the bus rejected are never read, so they are not
   * the head either.
   */
  headSeq(stream: ReplicationStream): number {
    const sql =
      stream === 'changes'
        ? 'SELECT COALESCE(MAX(seq), 0) AS seq FROM change_log'
        : 'SELECT COALESCE((SELECT seq FROM outbox WHERE rejected_reason IS NULL ORDER BY seq DESC LIMIT 1), 0) AS seq';
    return (this.sql.get(sql).get() as { seq: number }).seq;
  }

  /**
   * Resolves when something new is committed to `stream` (to either stream when none is given), after
   * `waitMs`, or at once when aborted.
   */
  waitForNew(waitMs: number, signal?: AbortSignal, stream?: ReplicationStream): Promise<void> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        stream,
        wake: () => {
          this.timers.clearTimeout(timer);
          signal?.removeEventListener('abort', waiter.wake);
          this.waiters = this.waiters.filter((other) => other !== waiter);
          resolve();
        },
      };
      const timer = this.timers.setTimeout(waiter.wake, waitMs);
      this.waiters.push(waiter);
      signal?.addEventListener('abort', waiter.wake, { once: true });
    });
  }

  /**
   * Records how far a peer has read a stream (it asked for everything after `seq`). Peers ask again
   * after every answer, so the position is saved at most once a second rather than one SQLite commit
   * per request: after a crash the saved position is at most a second behind, which only means pruning
   * a little less (the floor is lower), never pruning what a peer has not read.
   */
  acknowledge(peer: string, stream: ReplicationStream, seq: number): void {
    const key = `${peer}\0${stream}`;
    const known = this.acks.get(key);
    if (known && known.seq >= seq) return;
    this.acks.set(key, { peer, stream, seq });
    this.unsaved.add(key);
    this.saveLater();
  }

  /** Writes the read positions not saved yet; the region calls it just before closing the database. */
  saveAcknowledgements(): void {
    this.timers.clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (this.unsaved.size === 0 || !this.db.open) return;
    const upsert = this.sql.get(
      `INSERT INTO replication_peer_acks (peer, stream, seq) VALUES (?, ?, ?)
       ON CONFLICT (peer, stream) DO UPDATE SET seq = MAX(seq, excluded.seq)`,
    );
    const keys = [...this.unsaved];
    this.db.transaction(() => {
      for (const key of keys) {
        const ack = this.acks.get(key);
        if (ack) upsert.run(ack.peer, ack.stream, ack.seq);
      }
    })();
    for (const key of keys) this.unsaved.delete(key);
  }

  private saveLater(): void {
    this.saveTimer ??= this.timers.setTimeout(() => {
      this.saveTimer = undefined;
      try {
        this.saveAcknowledgements();
      } catch (error) {
        // Never an uncaught exception from a timer: report it and try again.
        this.options.onSaveError?.(error);
        this.saveLater();
      }
    }, ACK_PERSIST_DELAY_MS);
  }

  /** The highest outbox sequence every listed peer has read; nothing above it may be pruned. */
  eventsReadByAll(peers: readonly string[]): number {
    if (peers.length === 0) return Number.MAX_SAFE_INTEGER;
    return Math.min(...peers.map((peer) => this.acks.get(`${peer}\0events`)?.seq ?? 0));
  }
}
