import BetterSqlite3, { type Database } from 'better-sqlite3';

/**
 * A simulated process's SQLite database: in memory, opened afresh from the image its last incarnation
 * committed. A crash keeps exactly what was committed (`committedImage`) and drops the rest.
 */
export function openSimDatabase(image?: Buffer): Database {
  const db = image ? new BetterSqlite3(image) : new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  return db;
}

/** What a process killed now would find on disk: the committed state, never an open transaction. */
export function committedImage(db: Database): Buffer {
  if (db.inTransaction) db.exec('ROLLBACK');
  return db.serialize();
}
