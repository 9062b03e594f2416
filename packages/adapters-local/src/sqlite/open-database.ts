import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';

/**
 * Opens (creating if needed) a region's SQLite file in WAL mode. With WAL, `synchronous = NORMAL` keeps
 * every committed transaction across a process kill (the WAL is written before commit returns); only an
 * OS crash or power loss could drop the last commits, which FULL would prevent at one fsync per commit.
 */
export function openDatabase(file: string): Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
