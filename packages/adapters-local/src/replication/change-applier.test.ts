import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../sqlite/open-database';
import { SqliteItemStore } from '../store/sqlite-item-store';
import { ChangeApplier, newerStamp } from './change-applier';
import { ChangeFeed, type ItemChange } from './change-feed';

const US = 'us-east-1';
const EU = 'eu-west-1';
const T0 = 1_735_689_600_000;

/** A region's replica on its own SQLite database, with a clock the test moves. */
function replica(region: string, file = ':memory:') {
  const clock = {
    at: T0,
    now() {
      return this.at;
    },
  };
  const db = openDatabase(file);
  const store = new SqliteItemStore(db, { region, clock });
  const feed = new ChangeFeed(db);
  const applier = new ChangeApplier(db, () => clock.now());
  const item = (pk: string, sk: string) =>
    db
      .prepare(
        'SELECT data, version, updated_at AS updatedAt, writer_region AS writerRegion FROM items WHERE pk = ? AND sk = ?',
      )
      .get(pk, sk) as { data: string; version: number; updatedAt: number; writerRegion: string } | undefined;
  const put = (pk: string, sk: string, data: Record<string, unknown>) => store.transact([{ pk, sk, data }]);
  return { region, clock, db, store, feed, applier, item, put };
}

type Replica = ReturnType<typeof replica>;

const databases: Database[] = [];
const dirs: string[] = [];
function open(region: string, file?: string): Replica {
  const r = replica(region, file);
  databases.push(r.db);
  return r;
}

afterEach(() => {
  for (const db of databases.splice(0)) if (db.open) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Ships everything `from` committed after `to`'s cursor to `to`. */
function sync(from: Replica, to: Replica) {
  return to.applier.apply(
    from.region,
    from.feed.readChanges(to.applier.cursor(from.region, 'changes'), 10_000),
  );
}

describe('newerStamp (last-writer-wins order)', () => {
  it('orders by update time, then by region name', async () => {
    expect(newerStamp({ updatedAt: 2, writerRegion: EU }, { updatedAt: 1, writerRegion: US })).toBe(true);
    expect(newerStamp({ updatedAt: 1, writerRegion: US }, { updatedAt: 2, writerRegion: EU })).toBe(false);
    expect(newerStamp({ updatedAt: 5, writerRegion: US }, { updatedAt: 5, writerRegion: EU })).toBe(true);
    expect(newerStamp({ updatedAt: 5, writerRegion: EU }, { updatedAt: 5, writerRegion: US })).toBe(false);
    expect(newerStamp({ updatedAt: 5, writerRegion: US }, { updatedAt: 5, writerRegion: US })).toBe(false);
  });
});

describe('ChangeApplier', () => {
  it('applies a peer’s changes in commit order, batch by batch, with the cursor', async () => {
    const us = open(US);
    const eu = open(EU);
    for (let n = 1; n <= 9; n++) {
      us.clock.at = T0 + n;
      await us.put('COUNTER', 'C', { n });
      await us.put('LOG', `ENTRY#${n}`, { n });
    }
    const changes = us.feed.readChanges(0, 100);
    expect(changes.map((change) => change.seq)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    for (let start = 0; start < changes.length; start += 4) {
      const batch = changes.slice(start, start + 4);
      const result = eu.applier.apply(US, batch);
      expect(result.applied.map((change) => change.seq)).toEqual(batch.map((change) => change.seq));
      expect(result.conflicts).toEqual([]);
      expect(eu.applier.cursor(US, 'changes')).toBe(batch.at(-1)?.seq);
      // After each batch the replica holds exactly the prefix it was sent.
      const counter = JSON.parse(eu.item('COUNTER', 'C')?.data ?? '{}') as { n: number };
      const entries = eu.db.prepare("SELECT COUNT(*) AS n FROM items WHERE pk = 'LOG'").get() as {
        n: number;
      };
      expect(entries.n).toBe(counter.n);
    }
    expect(eu.item('COUNTER', 'C')).toEqual(us.item('COUNTER', 'C'));
    expect(eu.item('COUNTER', 'C')).toMatchObject({ version: 9, updatedAt: T0 + 9, writerRegion: US });
  });

  it('never lets an earlier version overwrite a later one', async () => {
    const us = open(US);
    const eu = open(EU);
    for (let n = 1; n <= 3; n++) {
      us.clock.at = T0 + n;
      await us.put('COUNTER', 'C', { n });
    }
    const [v1, v2, v3] = us.feed.readChanges(0, 10) as [ItemChange, ItemChange, ItemChange];
    eu.applier.apply(US, [v1, v2, v3]);
    const late = eu.applier.apply(US, [v2]);
    expect(late.applied).toEqual([]);
    expect(late.skipped).toBe(1);
    expect(eu.item('COUNTER', 'C')).toMatchObject({ data: JSON.stringify({ n: 3 }), updatedAt: T0 + 3 });
    const again = eu.applier.apply(US, [v1]);
    expect(again.applied).toEqual([]);
    expect(eu.item('COUNTER', 'C')?.version).toBe(3);
  });

  it('skips a change delivered twice (same stamp): applied once, no conflict', async () => {
    const us = open(US);
    const eu = open(EU);
    await us.put('A', 'A', { a: 1 });
    await us.put('B', 'B', { b: 1 });
    const changes = us.feed.readChanges(0, 10);
    expect(eu.applier.apply(US, changes).applied).toHaveLength(2);
    const second = eu.applier.apply(US, changes);
    expect(second).toEqual({ applied: [], skipped: 2, conflicts: [] });
    expect(eu.applier.conflictCount()).toBe(0);
  });

  it('keeps replicated writes out of the receiver’s change log and outbox', async () => {
    const us = open(US);
    const eu = open(EU);
    await us.put('A', 'A', { a: 1 });
    await us.store.transact(
      [{ pk: 'B', sk: 'B', data: { b: 1 } }],
      [
        {
          version: '0',
          id: 'evt-1',
          'detail-type': 'TestHappened',
          source: 'meridian.test',
          account: '000000000000',
          time: new Date(T0).toISOString(),
          region: US,
          resources: [],
          detail: {},
        },
      ],
    );
    sync(us, eu);
    expect(eu.item('B', 'B')?.writerRegion).toBe(US);
    expect(eu.feed.headSeq('changes')).toBe(0);
    expect(eu.feed.headSeq('events')).toBe(0);
    expect(eu.feed.readChanges(0, 10)).toEqual([]);
  });

  it('treats a write made on top of the replicated version as in order, not a conflict', async () => {
    const us = open(US);
    const eu = open(EU);
    await us.put('PRODUCT', 'P', { price: 1 });
    sync(us, eu);
    eu.clock.at = T0 + 10;
    await eu.put('PRODUCT', 'P', { price: 2 });
    expect(sync(eu, us).conflicts).toEqual([]);
    us.clock.at = T0 + 20;
    await us.put('PRODUCT', 'P', { price: 3 });
    expect(sync(us, eu).conflicts).toEqual([]);
    expect(eu.item('PRODUCT', 'P')).toEqual(us.item('PRODUCT', 'P'));
    expect(JSON.parse(eu.item('PRODUCT', 'P')?.data ?? '{}')).toEqual({ price: 3 });
    expect(us.applier.conflictCount() + eu.applier.conflictCount()).toBe(0);
  });

  it('resolves concurrent writes last-writer-wins (later time) and records the conflict on both sides', async () => {
    const us = open(US);
    const eu = open(EU);
    await us.put('ITEM', 'X', { by: 'origin' });
    sync(us, eu);
    us.clock.at = T0 + 100;
    await us.put('ITEM', 'X', { by: US });
    eu.clock.at = T0 + 200;
    await eu.put('ITEM', 'X', { by: EU });

    const atUs = sync(eu, us);
    const atEu = sync(us, eu);
    expect(atUs.conflicts).toEqual([
      {
        pk: 'ITEM',
        sk: 'X',
        local: { updatedAt: T0 + 100, writerRegion: US },
        remote: { updatedAt: T0 + 200, writerRegion: EU },
        winner: 'remote',
      },
    ]);
    expect(atEu.conflicts).toEqual([
      {
        pk: 'ITEM',
        sk: 'X',
        local: { updatedAt: T0 + 200, writerRegion: EU },
        remote: { updatedAt: T0 + 100, writerRegion: US },
        winner: 'local',
      },
    ]);
    expect(us.item('ITEM', 'X')).toEqual(eu.item('ITEM', 'X'));
    expect(us.item('ITEM', 'X')).toMatchObject({ data: JSON.stringify({ by: EU }), writerRegion: EU });
    expect(us.applier.conflictCount()).toBe(1);
    expect(eu.applier.conflictCount()).toBe(1);
    const [recorded] = us.applier.recentConflicts(10);
    expect(recorded).toMatchObject({ winner: 'remote', detectedAt: us.clock.at });
  });

  it('breaks a tie of equal times by the greater region name, the same on both sides', async () => {
    const us = open(US);
    const eu = open(EU);
    us.clock.at = T0 + 50;
    eu.clock.at = T0 + 50;
    await us.put('ITEM', 'TIE', { by: US });
    await eu.put('ITEM', 'TIE', { by: EU });
    const atUs = sync(eu, us);
    const atEu = sync(us, eu);
    expect(atUs.conflicts.map((conflict) => conflict.winner)).toEqual(['local']);
    expect(atEu.conflicts.map((conflict) => conflict.winner)).toEqual(['remote']);
    expect(us.item('ITEM', 'TIE')).toEqual(eu.item('ITEM', 'TIE'));
    expect(eu.item('ITEM', 'TIE')).toMatchObject({ data: JSON.stringify({ by: US }), writerRegion: US });
  });

  it('converges whatever order concurrent histories arrive in', async () => {
    const us = open(US);
    const eu = open(EU);
    await us.put('ITEM', 'Y', { step: 0 });
    sync(us, eu);
    // During a partition: us writes once (t=+150); eu writes twice (t=+100, then t=+300).
    us.clock.at = T0 + 150;
    await us.put('ITEM', 'Y', { by: US });
    eu.clock.at = T0 + 100;
    await eu.put('ITEM', 'Y', { by: EU, n: 1 });
    eu.clock.at = T0 + 300;
    await eu.put('ITEM', 'Y', { by: EU, n: 2 });
    sync(eu, us);
    sync(us, eu);
    expect(us.item('ITEM', 'Y')).toEqual(eu.item('ITEM', 'Y'));
    expect(JSON.parse(us.item('ITEM', 'Y')?.data ?? '{}')).toEqual({ by: EU, n: 2 });
  });

  it('applies a batch atomically with the cursor: a failing change leaves nothing applied', async () => {
    const us = open(US);
    const eu = open(EU);
    await us.put('A', 'A', { a: 1 });
    await us.put('B', 'B', { b: 1 });
    const [first, second] = us.feed.readChanges(0, 10) as [ItemChange, ItemChange];
    const broken = { ...second, data: null as unknown as string };
    expect(() => eu.applier.apply(US, [first, broken])).toThrow();
    expect(eu.item('A', 'A')).toBeUndefined();
    expect(eu.applier.cursor(US, 'changes')).toBe(0);
    expect(eu.applier.apply(US, [first, second]).applied).toHaveLength(2);
    expect(eu.applier.cursor(US, 'changes')).toBe(second.seq);
  });

  it('resumes from the persisted cursor after reopening the database: nothing lost, nothing applied twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meridian-applier-'));
    dirs.push(dir);
    const file = join(dir, 'eu.sqlite');
    const us = open(US);
    for (let n = 0; n < 25; n++) await us.put('ITEM', `N#${String(n).padStart(2, '0')}`, { n });

    let eu = open(EU, file);
    const firstRun = eu.applier.apply(US, us.feed.readChanges(0, 10));
    expect(eu.applier.cursor(US, 'changes')).toBe(10);
    eu.db.close();

    eu = open(EU, file);
    expect(eu.applier.cursor(US, 'changes')).toBe(10);
    const appliedSeqs = [...firstRun.applied.map((change) => change.seq)];
    let skipped = firstRun.skipped;
    for (;;) {
      const batch = us.feed.readChanges(eu.applier.cursor(US, 'changes'), 7);
      if (batch.length === 0) break;
      const result = eu.applier.apply(US, batch);
      appliedSeqs.push(...result.applied.map((change) => change.seq));
      skipped += result.skipped;
    }
    expect(appliedSeqs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(skipped).toBe(0);
    expect(eu.db.prepare("SELECT COUNT(*) AS n FROM items WHERE pk = 'ITEM'").get()).toEqual({ n: 25 });
  });
});
