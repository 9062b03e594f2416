import type { Database, Statement } from 'better-sqlite3';
import { limitClause } from '../sqlite/limit-clause';

export interface DeliveryTarget {
  ruleName: string;
  targetId: string;
}

export interface ClaimedDelivery {
  id: number;
  ruleName: string;
  targetId: string;
  replayName: string | null;
  attempts: number;
  eventId: string;
  eventJson: string;
}

export type DeliveryOutcome =
  | { id: number; kind: 'delivered' }
  | { id: number; kind: 'retry'; attempts: number; nextAttemptAtMs: number; error: string }
  | { id: number; kind: 'dead-letter'; attempts: number; error: string };

export interface PendingRow {
  id: number;
  ruleName: string;
  targetId: string;
  eventId: string;
  attempts: number;
  nextAttemptAtMs: number;
  lastError: string | null;
  claimedAtMs: number | null;
}

export interface DeadLetterRow {
  id: number;
  ruleName: string;
  targetId: string;
  replayName: string | null;
  eventId: string;
  attempts: number;
  lastError: string;
  failedAtMs: number;
  eventJson: string;
}

type Run<P extends unknown[]> = Statement<P>;

/** Pending deliveries and dead letters of one bus. Callers wrap batches in one transaction. */
export class DeliveryStore {
  private readonly insert: Run<[string, number, string, string, string | null, number, number]>;
  /** The due-deliveries query per row limit (see limitClause). */
  private readonly dueQueries = new Map<number, Statement<[string, number], ClaimedDelivery>>();
  private readonly claim: Run<[number, number]>;
  private readonly nextDueQuery: Statement<[string], { at: number | null }>;
  private readonly release: Run<[string]>;
  private readonly remove: Run<[number]>;
  private readonly reschedule: Run<[number, number, string, number]>;
  private readonly bury: Run<[number, string, number, number]>;
  private readonly pendingQuery: Statement<[string, number, number], PendingRow>;
  private readonly deadLetterQuery: Statement<[string, number, number], DeadLetterRow>;
  private readonly countPendingQuery: Statement<[string], { count: number }>;
  private readonly countDeadQuery: Statement<[string], { count: number }>;
  private readonly redriveOne: Run<[number, number, string, number]>;
  private readonly redriveEvery: Run<[number, number, string]>;
  private readonly removeDead: Run<[string, number]>;
  private readonly removeAllDead: Run<[string]>;

  constructor(
    private readonly db: Database,
    private readonly busName: string,
  ) {
    this.insert = db.prepare(
      `INSERT INTO bus_deliveries
         (bus_name, archive_seq, rule_name, target_id, replay_name, next_attempt_at_ms, created_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.claim = db.prepare('UPDATE bus_deliveries SET claimed_at_ms = ? WHERE id = ?');
    this.nextDueQuery = db.prepare(
      `SELECT MIN(next_attempt_at_ms) AS at FROM bus_deliveries
       WHERE bus_name = ? AND claimed_at_ms IS NULL`,
    );
    this.release = db.prepare(
      'UPDATE bus_deliveries SET claimed_at_ms = NULL WHERE bus_name = ? AND claimed_at_ms IS NOT NULL',
    );
    this.remove = db.prepare('DELETE FROM bus_deliveries WHERE id = ?');
    this.reschedule = db.prepare(
      `UPDATE bus_deliveries SET attempts = ?, next_attempt_at_ms = ?, last_error = ?, claimed_at_ms = NULL
       WHERE id = ?`,
    );
    this.bury = db.prepare(
      `INSERT INTO bus_dead_letters
         (bus_name, archive_seq, rule_name, target_id, replay_name, attempts, last_error, failed_at_ms)
       SELECT bus_name, archive_seq, rule_name, target_id, replay_name, ?, ?, ? FROM bus_deliveries WHERE id = ?`,
    );
    this.pendingQuery = db.prepare(
      `SELECT d.id, d.rule_name AS ruleName, d.target_id AS targetId, a.event_id AS eventId, d.attempts,
              d.next_attempt_at_ms AS nextAttemptAtMs, d.last_error AS lastError, d.claimed_at_ms AS claimedAtMs
       FROM bus_deliveries d JOIN bus_archived_events a ON a.seq = d.archive_seq
       WHERE d.bus_name = ? AND d.id > ? ORDER BY d.id LIMIT ?`,
    );
    this.deadLetterQuery = db.prepare(
      `SELECT l.id, l.rule_name AS ruleName, l.target_id AS targetId, l.replay_name AS replayName,
              a.event_id AS eventId, l.attempts, l.last_error AS lastError, l.failed_at_ms AS failedAtMs,
              a.event_json AS eventJson
       FROM bus_dead_letters l JOIN bus_archived_events a ON a.seq = l.archive_seq
       WHERE l.bus_name = ? AND l.id > ? ORDER BY l.id LIMIT ?`,
    );
    this.countPendingQuery = db.prepare('SELECT COUNT(*) AS count FROM bus_deliveries WHERE bus_name = ?');
    this.countDeadQuery = db.prepare('SELECT COUNT(*) AS count FROM bus_dead_letters WHERE bus_name = ?');
    const redriveSelect = `INSERT INTO bus_deliveries
         (bus_name, archive_seq, rule_name, target_id, replay_name, next_attempt_at_ms, created_at_ms)
       SELECT bus_name, archive_seq, rule_name, target_id, replay_name, ?, ? FROM bus_dead_letters
       WHERE bus_name = ?`;
    this.redriveOne = db.prepare(`${redriveSelect} AND id = ?`);
    this.redriveEvery = db.prepare(`${redriveSelect} ORDER BY id`);
    this.removeDead = db.prepare('DELETE FROM bus_dead_letters WHERE bus_name = ? AND id = ?');
    this.removeAllDead = db.prepare('DELETE FROM bus_dead_letters WHERE bus_name = ?');
  }

  enqueue(
    archiveSeq: number,
    targets: readonly DeliveryTarget[],
    replayName: string | null,
    nowMs: number,
  ): void {
    for (const target of targets) {
      this.insert.run(this.busName, archiveSeq, target.ruleName, target.targetId, replayName, nowMs, nowMs);
    }
  }

  /** Selects the earliest due deliveries and marks them claimed, atomically. */
  claimDue(nowMs: number, limit: number): ClaimedDelivery[] {
    return this.db.transaction(() => {
      const due = this.dueQuery(limit).all(this.busName, nowMs);
      for (const delivery of due) this.claim.run(nowMs, delivery.id);
      return due;
    })();
  }

  private dueQuery(limit: number): Statement<[string, number], ClaimedDelivery> {
    let query = this.dueQueries.get(limit);
    if (!query) {
      query = this.db.prepare(
        `SELECT d.id, d.rule_name AS ruleName, d.target_id AS targetId, d.replay_name AS replayName,
                d.attempts, a.event_id AS eventId, a.event_json AS eventJson
         FROM bus_deliveries d JOIN bus_archived_events a ON a.seq = d.archive_seq
         WHERE d.bus_name = ? AND d.claimed_at_ms IS NULL AND d.next_attempt_at_ms <= ?
         ORDER BY d.next_attempt_at_ms, d.id ${limitClause(limit)}`,
      );
      this.dueQueries.set(limit, query);
    }
    return query;
  }

  /** When the earliest unclaimed delivery becomes due, if there is one. */
  nextDueAtMs(): number | undefined {
    return this.nextDueQuery.get(this.busName)?.at ?? undefined;
  }

  /** Frees the claims of attempts that a stopped or crashed instance never recorded. */
  releaseClaims(): number {
    return this.release.run(this.busName).changes;
  }

  record(outcomes: readonly DeliveryOutcome[], nowMs: number): void {
    this.db.transaction(() => {
      for (const outcome of outcomes) {
        if (outcome.kind === 'retry') {
          this.reschedule.run(outcome.attempts, outcome.nextAttemptAtMs, outcome.error, outcome.id);
          continue;
        }
        if (outcome.kind === 'dead-letter') this.bury.run(outcome.attempts, outcome.error, nowMs, outcome.id);
        this.remove.run(outcome.id);
      }
    })();
  }

  listPending(afterId: number, limit: number): PendingRow[] {
    return this.pendingQuery.all(this.busName, afterId, limit);
  }

  listDeadLetters(afterId: number, limit: number): DeadLetterRow[] {
    return this.deadLetterQuery.all(this.busName, afterId, limit);
  }

  countPending(): number {
    return this.countPendingQuery.get(this.busName)?.count ?? 0;
  }

  countDeadLetters(): number {
    return this.countDeadQuery.get(this.busName)?.count ?? 0;
  }

  /** Moves one dead letter back to the pending deliveries, due now, with its attempts reset. */
  redrive(id: number, nowMs: number): boolean {
    return this.db.transaction(() => {
      if (this.redriveOne.run(nowMs, nowMs, this.busName, id).changes === 0) return false;
      this.removeDead.run(this.busName, id);
      return true;
    })();
  }

  redriveAll(nowMs: number): number {
    return this.db.transaction(() => {
      const moved = this.redriveEvery.run(nowMs, nowMs, this.busName).changes;
      this.removeAllDead.run(this.busName);
      return moved;
    })();
  }
}
