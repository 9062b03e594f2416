import { limitClause, StatementCache } from '@meridian/adapters-local/sqlite';
import type Database from 'better-sqlite3';

export type AuthorizationStatus = 'authorized' | 'captured' | 'voided' | 'refunded';
export type LedgerEntryType = 'authorization' | 'capture' | 'void' | 'refund' | 'decline';

export interface AuthorizationRecord {
  id: string;
  orderId: string;
  amount: number;
  currency: string;
  paymentMethod: string;
  status: AuthorizationStatus;
  capturedAmount: number;
  refundedAmount: number;
  created: number;
}

export interface LedgerEntry {
  id: string;
  type: LedgerEntryType;
  amount: number;
  currency: string;
  orderId: string;
  /** Null only for a decline: no authorization exists. */
  authorizationId: string | null;
  idempotencyKey: string;
  declineCode: string | null;
  created: number;
}

export interface LedgerPageQuery {
  orderId?: string;
  type?: LedgerEntryType;
  limit: number;
  startingAfter?: string;
}

interface AuthorizationRow {
  id: string;
  order_id: string;
  amount: number;
  currency: string;
  payment_method: string;
  status: AuthorizationStatus;
  captured_amount: number;
  refunded_amount: number;
  created: number;
}

interface LedgerPageParams {
  orderId: string | null;
  type: LedgerEntryType | null;
  afterSeq: number;
}

interface LedgerRow {
  id: string;
  type: LedgerEntryType;
  amount: number;
  currency: string;
  order_id: string;
  authorization_id: string | null;
  idempotency_key: string;
  decline_code: string | null;
  created: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS authorizations (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    payment_method TEXT NOT NULL,
    status TEXT NOT NULL,
    captured_amount INTEGER NOT NULL DEFAULT 0,
    refunded_amount INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS ledger_entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    order_id TEXT NOT NULL,
    authorization_id TEXT,
    idempotency_key TEXT NOT NULL,
    decline_code TEXT,
    created INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS ledger_entries_by_order ON ledger_entries (order_id, seq);
  CREATE INDEX IF NOT EXISTS authorizations_by_order ON authorizations (order_id, created);
`;

const LEDGER_COLUMNS =
  'id, type, amount, currency, order_id, authorization_id, idempotency_key, decline_code, created';

/** Authorizations (current state) and the append-only ledger of every effective operation. */
export class LedgerStore {
  private readonly statements: StatementCache;

  constructor(db: Database.Database) {
    db.exec(SCHEMA);
    this.statements = new StatementCache(db);
  }

  insertAuthorization(record: AuthorizationRecord): void {
    this.statements
      .get(
        `INSERT INTO authorizations
           (id, order_id, amount, currency, payment_method, status, captured_amount, refunded_amount, created)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        record.id,
        record.orderId,
        record.amount,
        record.currency,
        record.paymentMethod,
        record.status,
        record.capturedAmount,
        record.refundedAmount,
        record.created,
      );
  }

  findAuthorization(id: string): AuthorizationRecord | undefined {
    const row = this.statements
      .get<[string], AuthorizationRow>('SELECT * FROM authorizations WHERE id = ?')
      .get(id);
    return row && toAuthorization(row);
  }

  /** Every authorization made for an order, oldest first. */
  authorizationsForOrder(orderId: string): AuthorizationRecord[] {
    return this.statements
      .get<[string], AuthorizationRow>('SELECT * FROM authorizations WHERE order_id = ? ORDER BY created, id')
      .all(orderId)
      .map(toAuthorization);
  }

  updateAuthorization(
    id: string,
    change: Pick<AuthorizationRecord, 'status' | 'capturedAmount' | 'refundedAmount'>,
  ): void {
    this.statements
      .get('UPDATE authorizations SET status = ?, captured_amount = ?, refunded_amount = ? WHERE id = ?')
      .run(change.status, change.capturedAmount, change.refundedAmount, id);
  }

  appendEntry(entry: LedgerEntry): void {
    this.statements
      .get(`INSERT INTO ledger_entries (${LEDGER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(
        entry.id,
        entry.type,
        entry.amount,
        entry.currency,
        entry.orderId,
        entry.authorizationId,
        entry.idempotencyKey,
        entry.declineCode,
        entry.created,
      );
  }

  /** One page in creation order; undefined when the `startingAfter` cursor names no entry. */
  listEntries(query: LedgerPageQuery): { entries: LedgerEntry[]; hasMore: boolean } | undefined {
    let afterSeq = 0;
    if (query.startingAfter !== undefined) {
      const cursor = this.statements
        .get<[string], { seq: number }>('SELECT seq FROM ledger_entries WHERE id = ?')
        .get(query.startingAfter);
      if (!cursor) return undefined;
      afterSeq = cursor.seq;
    }
    const rows = this.statements
      .get<[LedgerPageParams], LedgerRow>(
        `SELECT ${LEDGER_COLUMNS} FROM ledger_entries
         WHERE (@orderId IS NULL OR order_id = @orderId) AND (@type IS NULL OR type = @type) AND seq > @afterSeq
         ORDER BY seq ${limitClause(query.limit + 1)}`,
      )
      .all({ orderId: query.orderId ?? null, type: query.type ?? null, afterSeq });
    return { entries: rows.slice(0, query.limit).map(toLedgerEntry), hasMore: rows.length > query.limit };
  }
}

function toAuthorization(row: AuthorizationRow): AuthorizationRecord {
  return {
    id: row.id,
    orderId: row.order_id,
    amount: row.amount,
    currency: row.currency,
    paymentMethod: row.payment_method,
    status: row.status,
    capturedAmount: row.captured_amount,
    refundedAmount: row.refunded_amount,
    created: row.created,
  };
}

function toLedgerEntry(row: LedgerRow): LedgerEntry {
  return {
    id: row.id,
    type: row.type,
    amount: row.amount,
    currency: row.currency,
    orderId: row.order_id,
    authorizationId: row.authorization_id,
    idempotencyKey: row.idempotency_key,
    declineCode: row.decline_code,
    created: row.created,
  };
}
