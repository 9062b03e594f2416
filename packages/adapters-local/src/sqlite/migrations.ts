import type { Database } from 'better-sqlite3';

/**
 * One schema change. `id` is unique across every module sharing the database (prefix it with the
 * module, e.g. `bus-001-deliveries`); applied migrations are recorded and never run twice.
 */
export interface Migration {
  id: string;
  sql: string;
}

/** Applies the migrations not yet recorded, each in its own transaction, in the given order. */
export function applyMigrations(db: Database, migrations: readonly Migration[]): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  )`);
  const applied = new Set(
    db
      .prepare('SELECT id FROM schema_migrations')
      .all()
      .map((row) => (row as { id: string }).id),
  );
  const record = db.prepare('INSERT INTO schema_migrations (id) VALUES (?)');
  const newlyApplied: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.id);
    })();
    newlyApplied.push(migration.id);
  }
  return newlyApplied;
}
