import type { Database, Statement } from 'better-sqlite3';
import { ReplayNameConflictError } from './errors';

export interface ArchiveRow {
  seq: number;
  eventId: string;
  eventTimeMs: number;
  eventJson: string;
  archivedAtMs: number;
}

export interface ArchiveRange {
  fromMs: number;
  /** Exclusive. */
  toMs: number;
}

export interface ReplayRecord {
  name: string;
  fromMs: number;
  toMs: number;
  ruleNames: readonly string[] | undefined;
}

/** The event archive of one bus (keyed by event id, which makes re-publishing idempotent) and its replays. */
export class ArchiveStore {
  private readonly insert: Statement<[string, string, number, string, number]>;
  private readonly pageQuery: Statement<[string, number, number, number, number, number], ArchiveRow>;
  private readonly countQuery: Statement<[string], { count: number }>;
  private readonly insertReplay: Statement<[string, string, number, number, string | null, number]>;
  private readonly finishReplay: Statement<[number, number, string, string]>;

  constructor(
    db: Database,
    private readonly busName: string,
  ) {
    this.insert = db.prepare(
      `INSERT INTO bus_archived_events (bus_name, event_id, event_time_ms, event_json, archived_at_ms)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (bus_name, event_id) DO NOTHING`,
    );
    this.pageQuery = db.prepare(
      `SELECT seq, event_id AS eventId, event_time_ms AS eventTimeMs, event_json AS eventJson,
              archived_at_ms AS archivedAtMs
       FROM bus_archived_events
       WHERE bus_name = ? AND (event_time_ms > ? OR (event_time_ms = ? AND seq > ?)) AND event_time_ms < ?
       ORDER BY event_time_ms, seq LIMIT ?`,
    );
    this.countQuery = db.prepare('SELECT COUNT(*) AS count FROM bus_archived_events WHERE bus_name = ?');
    this.insertReplay = db.prepare(
      `INSERT INTO bus_replays (bus_name, name, from_ms, to_ms, rule_names_json, started_at_ms)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (bus_name, name) DO NOTHING`,
    );
    this.finishReplay = db.prepare(
      'UPDATE bus_replays SET completed_at_ms = ?, replayed = ? WHERE bus_name = ? AND name = ?',
    );
  }

  /** Archives one event; returns its sequence number, or undefined when the id was archived before. */
  archive(eventId: string, eventTimeMs: number, eventJson: string, nowMs: number): number | undefined {
    const result = this.insert.run(this.busName, eventId, eventTimeMs, eventJson, nowMs);
    return result.changes === 0 ? undefined : Number(result.lastInsertRowid);
  }

  /** Events with time in [fromMs, toMs), ordered by (time, seq), strictly after `after` when given. */
  page(range: ArchiveRange, after: readonly [number, number] | undefined, limit: number): ArchiveRow[] {
    // Without a cursor, "after (fromMs, 0)" selects every time >= fromMs because seq starts at 1.
    const [afterTimeMs, afterSeq] = after ?? [range.fromMs, 0];
    return this.pageQuery.all(this.busName, afterTimeMs, afterTimeMs, afterSeq, range.toMs, limit);
  }

  count(): number {
    return this.countQuery.get(this.busName)?.count ?? 0;
  }

  /** Records a replay before it starts so that its name can never be used twice, even after a crash. */
  startReplay(replay: ReplayRecord, nowMs: number): void {
    const ruleNames = replay.ruleNames === undefined ? null : JSON.stringify(replay.ruleNames);
    const result = this.insertReplay.run(
      this.busName,
      replay.name,
      replay.fromMs,
      replay.toMs,
      ruleNames,
      nowMs,
    );
    if (result.changes === 0) throw new ReplayNameConflictError(replay.name);
  }

  completeReplay(name: string, replayed: number, nowMs: number): void {
    this.finishReplay.run(nowMs, replayed, this.busName, name);
  }
}
