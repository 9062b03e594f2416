import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit';
import { openDatabase } from './open-database';

let dir: string;
let db: Database;
let reader: Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'meridian-group-commit-'));
  db = openDatabase(join(dir, 'test.sqlite'));
  db.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);
    CREATE TABLE parents (id INTEGER PRIMARY KEY);
    CREATE TABLE children (id INTEGER PRIMARY KEY,
      parent INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);`);
  reader = new BetterSqlite3(join(dir, 'test.sqlite'), { readonly: true });
});

afterEach(() => {
  reader.close();
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const note = (text: string) => () =>
  Number(db.prepare('INSERT INTO notes (text) VALUES (?)').run(text).lastInsertRowid);
const seen = () =>
  (reader.prepare('SELECT text FROM notes ORDER BY id').all() as Array<{ text: string }>).map(
    (row) => row.text,
  );

describe('GroupCommit', () => {
  it('commits the units of one turn together and answers only once another connection can see them', async () => {
    let commits = 0;
    const group = new GroupCommit(db, { afterCommit: () => commits++ });
    const first = group.run(note('a'));
    const second = group.run(note('b'));
    expect(seen()).toEqual([]);
    await expect(Promise.all([first, second])).resolves.toEqual([1, 2]);
    expect(seen()).toEqual(['a', 'b']);
    expect(commits).toBe(1);

    await group.run(note('c'));
    expect(commits).toBe(2);
  });

  it('undoes and rejects only the unit that threw; the others commit', async () => {
    const group = new GroupCommit(db);
    const failing = group.run(() => {
      note('lost')();
      throw new Error('condition failed');
    });
    const results = await Promise.allSettled([group.run(note('kept-1')), failing, group.run(note('kept-2'))]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    await expect(failing).rejects.toThrow('condition failed');
    expect(seen()).toEqual(['kept-1', 'kept-2']);
  });

  it('does not announce a commit in which every unit failed', async () => {
    let commits = 0;
    const group = new GroupCommit(db, { afterCommit: () => commits++ });
    await expect(
      group.run(() => {
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(commits).toBe(0);
  });

  it('rejects every unit of a batch whose commit fails, and writes none of it', async () => {
    const group = new GroupCommit(db);
    const results = await Promise.allSettled([
      group.run(note('with-orphan')),
      // A deferred foreign key is checked at COMMIT: this unit makes the whole commit fail.
      group.run(() => db.prepare('INSERT INTO children (id, parent) VALUES (1, 99)').run()),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(seen()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    await expect(group.run(note('after'))).resolves.toBe(1);
  });

  it('undoes and rejects a unit that returns a promise (its later statements would escape the transaction)', async () => {
    const group = new GroupCommit(db);
    const asynchronous = group.run(async () => {
      note('before-await')();
      await Promise.resolve();
    });
    await expect(asynchronous).rejects.toThrow('GroupCommit work must be synchronous.');
    expect(seen()).toEqual([]);
  });

  it('rejects the batch with the real cause when an error ends the whole transaction', async () => {
    db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON notes WHEN NEW.text = 'fatal'
      BEGIN SELECT RAISE(ROLLBACK, 'the whole transaction was rolled back'); END;`);
    const group = new GroupCommit(db);
    const results = await Promise.allSettled([group.run(note('ok')), group.run(note('fatal'))]);
    expect(results.map((result) => (result.status === 'rejected' ? String(result.reason) : 'ok'))).toEqual([
      expect.stringContaining('the whole transaction was rolled back'),
      expect.stringContaining('the whole transaction was rolled back'),
    ]);
    expect(seen()).toEqual([]);
    await expect(group.run(note('after'))).resolves.toBe(1);
  });

  it('rejects work queued for a database that closed before its turn', async () => {
    const group = new GroupCommit(db);
    const pending = group.run(note('late'));
    db.close();
    await expect(pending).rejects.toThrow('The database is closed.');
  });
});
