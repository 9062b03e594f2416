import type { Database, Statement } from 'better-sqlite3';

/**
 * Prepares each SQL text once per database: better-sqlite3 compiles on every `prepare`, and the feeds,
 * the relay and index queries run the same statements on every poll, flush and page.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  get<Parameters extends unknown[] = unknown[], Row = unknown>(sql: string): Statement<Parameters, Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as unknown as Statement<Parameters, Row>;
  }
}
