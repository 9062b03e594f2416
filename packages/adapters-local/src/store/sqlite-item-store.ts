import type { Timers } from '@meridian/adapters-node';
import type { EventEnvelope } from '@meridian/contracts';
import {
  applyCounterWrite,
  type Clock,
  ConditionFailedError,
  type CounterWrite,
  checkTransaction,
  type IndexCursorQuery,
  type IndexName,
  type ItemKey,
  type ItemStore,
  type ItemWrite,
  indexCursor,
  isCounterWrite,
  type Page,
  type PageRequest,
  type StoredItem,
} from '@meridian/domain';
import type { Database, Statement } from 'better-sqlite3';
import { GroupCommit } from '../sqlite/group-commit';
import { limitClause } from '../sqlite/limit-clause';
import { applyMigrations } from '../sqlite/migrations';
import { StatementCache } from '../sqlite/statement-cache';
import { itemStoreMigrations } from './item-store-schema';

interface ItemRow {
  pk: string;
  sk: string;
  data: string;
  version: number;
}

const MAX_PAGE = 200;

/**
 * ItemStore on one SQLite file. A transaction writes the items, appends each new image to the change log
 * and inserts the events into the outbox, all in one SQLite transaction: nothing is written unannounced.
 */
export class SqliteItemStore implements ItemStore {
  private readonly commitListeners = new Set<() => void>();
  private readonly writeListeners = new Set<() => void>();
  private readonly statements: {
    get: Statement<[string, string], ItemRow>;
    version: Statement<[string, string], { version: number; updatedAt: number; writerRegion: string }>;
    upsert: Statement;
    logChange: Statement;
    outbox: Statement;
    partition: Statement<[string, string], ItemRow>;
    image: Statement<
      [string, string],
      {
        data: string;
        version: number;
        updatedAt: number;
        writerRegion: string;
        gsi1pk: string | null;
        gsi1sk: string | null;
        gsi2pk: string | null;
        gsi2sk: string | null;
      }
    >;
  };
  private readonly commits: GroupCommit;
  /** What the transactions committed since the last announcement wrote (see `announceCommit`). */
  private committedEvents = false;
  private committedWrites = false;
  private readonly queries: StatementCache;

  constructor(
    db: Database,
    private readonly options: { region: string; clock: Clock; timers?: Timers },
  ) {
    applyMigrations(db, itemStoreMigrations);
    this.queries = new StatementCache(db);
    this.statements = {
      get: db.prepare('SELECT pk, sk, data, version FROM items WHERE pk = ? AND sk = ?'),
      version: db.prepare(
        'SELECT version, updated_at AS updatedAt, writer_region AS writerRegion FROM items WHERE pk = ? AND sk = ?',
      ),
      upsert:
        db.prepare(`INSERT INTO items (pk, sk, data, version, updated_at, writer_region, gsi1pk, gsi1sk, gsi2pk, gsi2sk)
        VALUES (@pk, @sk, @data, @version, @updatedAt, @region, @gsi1pk, @gsi1sk, @gsi2pk, @gsi2sk)
        ON CONFLICT (pk, sk) DO UPDATE SET data = excluded.data, version = excluded.version,
          updated_at = excluded.updated_at, writer_region = excluded.writer_region,
          gsi1pk = excluded.gsi1pk, gsi1sk = excluded.gsi1sk, gsi2pk = excluded.gsi2pk, gsi2sk = excluded.gsi2sk`),
      logChange:
        db.prepare(`INSERT INTO change_log (pk, sk, data, version, updated_at, writer_region, gsi1pk, gsi1sk, gsi2pk,
          gsi2sk, base_updated_at, base_writer_region)
        VALUES (@pk, @sk, @data, @version, @updatedAt, @region, @gsi1pk, @gsi1sk, @gsi2pk, @gsi2sk, @baseUpdatedAt,
          @baseWriterRegion)`),
      outbox: db.prepare('INSERT INTO outbox (event_id, event, created_at) VALUES (?, ?, ?)'),
      partition: db.prepare('SELECT pk, sk, data, version FROM items WHERE pk = ? AND sk >= ? ORDER BY sk'),
      image: db.prepare(`SELECT data, version, updated_at AS updatedAt, writer_region AS writerRegion,
        gsi1pk, gsi1sk, gsi2pk, gsi2sk FROM items WHERE pk = ? AND sk = ?`),
    };
    this.commits = new GroupCommit(db, {
      afterCommit: () => this.announceCommit(),
      ...(options.timers ? { timers: options.timers } : {}),
    });
  }

  /** Called after every committed transaction that recorded events (the relay wakes up on it). */
  onCommit(listener: () => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** Called after every committed transaction that wrote items (replication's change feed wakes on it). */
  onWrite(listener: () => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  /** Whether the database file answers a query (the region's health check asks every second). */
  answers(): boolean {
    return this.queries.get<[], { ok: number }>('SELECT 1 AS ok').get()?.ok === 1;
  }

  async get(pk: string, sk: string): Promise<StoredItem | undefined> {
    const row = this.statements.get.get(pk, sk);
    return row && toItem(row);
  }

  async getMany(keys: readonly ItemKey[]): Promise<StoredItem[]> {
    return keys.flatMap((key) => {
      const row = this.statements.get.get(key.pk, key.sk);
      return row ? [toItem(row)] : [];
    });
  }

  async queryPartition(pk: string, options: { skPrefix?: string } = {}): Promise<StoredItem[]> {
    const prefix = options.skPrefix ?? '';
    return this.statements.partition
      .all(pk, prefix)
      .filter((row) => row.sk.startsWith(prefix))
      .map(toItem);
  }

  async queryIndex(index: IndexName, pk: string, options: PageRequest): Promise<Page<StoredItem>> {
    const limit = Math.min(Math.max(1, Math.trunc(options.limit)), MAX_PAGE);
    const query: IndexCursorQuery = { index, pk, descending: options.descending === true };
    const after = options.cursor === undefined ? undefined : indexCursor.decode(query, options.cursor);
    const direction = options.descending ? 'DESC' : 'ASC';
    const comparison = options.descending ? '<' : '>';
    // Index names come from the IndexName union, never from input, so interpolating them is safe.
    // (index sk, pk, sk) is unique per item, so the cursor never skips or repeats an item on ties.
    const sql = `SELECT pk, sk, data, version, ${index}sk AS indexSk FROM items
      WHERE ${index}pk = ? ${after ? `AND (${index}sk, pk, sk) ${comparison} (?, ?, ?)` : ''}
      ORDER BY ${index}sk ${direction}, pk ${direction}, sk ${direction} ${limitClause(limit + 1)}`;
    const params = after ? [pk, after.indexSk, after.pk, after.sk] : [pk];
    const rows = this.queries.get<unknown[], ItemRow & { indexSk: string }>(sql).all(...params);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toItem),
      ...(rows.length > limit && last
        ? { nextCursor: indexCursor.encode(query, { indexSk: last.indexSk, pk: last.pk, sk: last.sk }) }
        : {}),
    };
  }

  /**
   * Queues the transaction; every transaction queued in the same turn of the event loop commits in one
   * SQLite transaction (group commit: one WAL commit for many use cases). Each runs in its own savepoint,
   * so a failed condition undoes and rejects only that one. It resolves only after the commit.
   */
  transact(
    writes: readonly (ItemWrite | CounterWrite)[],
    events: readonly EventEnvelope[] = [],
  ): Promise<void> {
    const now = this.options.clock.now();
    try {
      checkTransaction(writes, events);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.commits.run(() => {
      this.apply(writes, events, now);
      this.committedEvents ||= events.length > 0;
      this.committedWrites ||= writes.length > 0;
    });
  }

  /** Wakes the relay and the change feed once per commit, after it (a failed commit may wake them for nothing). */
  private announceCommit(): void {
    const [events, writes] = [this.committedEvents, this.committedWrites];
    this.committedEvents = false;
    this.committedWrites = false;
    if (events) for (const listener of this.commitListeners) listener();
    if (writes) for (const listener of this.writeListeners) listener();
  }

  /** Changes numeric fields in place, inside the batch transaction: no version to race against. */
  private applyCounters(write: CounterWrite, now: number): void {
    const current = this.statements.image.get(write.pk, write.sk);
    if (!current) throw new ConditionFailedError(`${write.pk}/${write.sk} does not exist`);
    const data = applyCounterWrite(JSON.parse(current.data) as Record<string, unknown>, write);
    const row = {
      pk: write.pk,
      sk: write.sk,
      data: JSON.stringify(data),
      version: current.version + 1,
      updatedAt: Math.max(now, current.updatedAt + 1),
      region: this.options.region,
      gsi1pk: current.gsi1pk,
      gsi1sk: current.gsi1sk,
      gsi2pk: current.gsi2pk,
      gsi2sk: current.gsi2sk,
    };
    this.statements.upsert.run(row);
    this.statements.logChange.run({
      ...row,
      baseUpdatedAt: current.updatedAt,
      baseWriterRegion: current.writerRegion,
    });
  }

  private apply(
    writes: readonly (ItemWrite | CounterWrite)[],
    events: readonly EventEnvelope[],
    now: number,
  ): void {
    for (const write of writes) {
      if (isCounterWrite(write)) {
        this.applyCounters(write, now);
        continue;
      }
      const current = this.statements.version.get(write.pk, write.sk);
      if (write.expect === 'absent' && current)
        throw new ConditionFailedError(`${write.pk}/${write.sk} already exists`);
      if (typeof write.expect === 'number' && current?.version !== write.expect) {
        throw new ConditionFailedError(`${write.pk}/${write.sk} is not at version ${write.expect}`);
      }
      const row = {
        pk: write.pk,
        sk: write.sk,
        data: JSON.stringify(write.data),
        version: (current?.version ?? 0) + 1,
        // Last-writer-wins compares update times, so a write never carries an older time than the one it replaces.
        updatedAt: Math.max(now, (current?.updatedAt ?? 0) + 1),
        region: this.options.region,
        gsi1pk: write.gsi1?.pk ?? null,
        gsi1sk: write.gsi1?.sk ?? null,
        gsi2pk: write.gsi2?.pk ?? null,
        gsi2sk: write.gsi2?.sk ?? null,
      };
      this.statements.upsert.run(row);
      this.statements.logChange.run({
        ...row,
        baseUpdatedAt: current?.updatedAt ?? null,
        baseWriterRegion: current?.writerRegion ?? null,
      });
    }
    for (const event of events) this.statements.outbox.run(event.id, JSON.stringify(event), now);
  }
}

function toItem(row: ItemRow): StoredItem {
  return {
    pk: row.pk,
    sk: row.sk,
    data: JSON.parse(row.data) as Record<string, unknown>,
    version: row.version,
  };
}
