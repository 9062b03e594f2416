import { StatementCache } from '@meridian/adapters-local/sqlite';
import type Database from 'better-sqlite3';

/** The first answer given for a key, replayed byte for byte on every repeat. */
export interface IdempotencyRecord {
  requestHash: string;
  status: number;
  body: string;
}

interface IdempotencyRow {
  request_hash: string;
  status: number;
  body: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS idempotency_records (
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
  );
  CREATE TABLE IF NOT EXISTS idempotency_attempts (
    scope TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    PRIMARY KEY (scope, idempotency_key)
  );
`;

/** Idempotency records keyed by scope (method, endpoint and resource) and the client's key. */
export class IdempotencyStore {
  private readonly statements: StatementCache;

  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    this.statements = new StatementCache(db);
  }

  find(scope: string, key: string): IdempotencyRecord | undefined {
    const row = this.statements
      .get<[string, string], IdempotencyRow>(
        'SELECT request_hash, status, body FROM idempotency_records WHERE scope = ? AND idempotency_key = ?',
      )
      .get(scope, key);
    return row ? { requestHash: row.request_hash, status: row.status, body: row.body } : undefined;
  }

  save(scope: string, key: string, record: IdempotencyRecord, created: number): void {
    this.statements
      .get(
        `INSERT INTO idempotency_records (scope, idempotency_key, request_hash, status, body, created)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(scope, key, record.requestHash, record.status, record.body, created);
  }

  /** Counts executions of a key that produced no stored answer yet; returns this attempt's number. */
  recordAttempt(scope: string, key: string): number {
    const row = this.statements
      .get<[string, string], { attempts: number }>(
        `INSERT INTO idempotency_attempts (scope, idempotency_key, attempts) VALUES (?, ?, 1)
         ON CONFLICT (scope, idempotency_key) DO UPDATE SET attempts = attempts + 1
         RETURNING attempts`,
      )
      .get(scope, key);
    return row?.attempts ?? 1;
  }
}
