import type { Database, Statement } from 'better-sqlite3';
import type { ItemChange } from './change-feed';

export interface ConflictRecord {
  pk: string;
  sk: string;
  local: { updatedAt: number; writerRegion: string };
  remote: { updatedAt: number; writerRegion: string };
  winner: 'local' | 'remote';
}

export interface AppliedChange extends ItemChange {
  /** The image this change replaced here (JSON), when the item existed. */
  previousData?: string;
}

export interface ApplyResult {
  applied: AppliedChange[];
  skipped: number;
  conflicts: ConflictRecord[];
}

interface LocalStamp {
  updatedAt: number;
  writerRegion: string;
}

interface LocalImage extends LocalStamp {
  data: string;
}

/** Last-writer-wins order of version stamps, as DynamoDB global tables: later time wins, then region name. */
export function newerStamp(a: LocalStamp, b: LocalStamp): boolean {
  return a.updatedAt !== b.updatedAt ? a.updatedAt > b.updatedAt : a.writerRegion > b.writerRegion;
}

/**
 * Applies a peer's changes in order, in one transaction with the peer's cursor, so a restart neither
 * loses nor re-applies anything. A change made on top of the version this replica holds is applied; a
 * change whose base differs was concurrent with a local version: a conflict, resolved last-writer-wins
 * and recorded. Replicated writes do not enter this region's own change log or outbox.
 */
export class ChangeApplier {
  private readonly stampOf: Statement<[string, string], LocalImage>;
  private readonly upsert: Statement;
  private readonly recordConflict: Statement;
  private readonly saveCursor: Statement;
  private readonly readCursor: Statement<[string, string], { lastSeq: number }>;

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
  ) {
    this.stampOf = db.prepare(
      'SELECT updated_at AS updatedAt, writer_region AS writerRegion, data FROM items WHERE pk = ? AND sk = ?',
    );
    this.upsert =
      db.prepare(`INSERT INTO items (pk, sk, data, version, updated_at, writer_region, gsi1pk, gsi1sk, gsi2pk, gsi2sk)
      VALUES (@pk, @sk, @data, @version, @updatedAt, @writerRegion, @gsi1pk, @gsi1sk, @gsi2pk, @gsi2sk)
      ON CONFLICT (pk, sk) DO UPDATE SET data = excluded.data, version = excluded.version, updated_at = excluded.updated_at,
        writer_region = excluded.writer_region, gsi1pk = excluded.gsi1pk, gsi1sk = excluded.gsi1sk,
        gsi2pk = excluded.gsi2pk, gsi2sk = excluded.gsi2sk`);
    this.recordConflict =
      db.prepare(`INSERT INTO replication_conflicts (pk, sk, local_updated_at, local_writer_region,
        remote_updated_at, remote_writer_region, winner, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.saveCursor = db.prepare(`INSERT INTO replication_cursors (peer, stream, last_seq) VALUES (?, ?, ?)
      ON CONFLICT (peer, stream) DO UPDATE SET last_seq = excluded.last_seq`);
    this.readCursor = db.prepare(
      'SELECT last_seq AS lastSeq FROM replication_cursors WHERE peer = ? AND stream = ?',
    );
  }

  cursor(peer: string, stream: string): number {
    return this.readCursor.get(peer, stream)?.lastSeq ?? 0;
  }

  saveStreamCursor(peer: string, stream: string, seq: number): void {
    this.saveCursor.run(peer, stream, seq);
  }

  apply(peer: string, changes: readonly ItemChange[]): ApplyResult {
    const result: ApplyResult = { applied: [], skipped: 0, conflicts: [] };
    if (changes.length === 0) return result;
    this.db.transaction(() => {
      for (const change of changes) {
        const local = this.stampOf.get(change.pk, change.sk);
        const remote = { updatedAt: change.updatedAt, writerRegion: change.writerRegion };
        if (local && local.updatedAt === remote.updatedAt && local.writerRegion === remote.writerRegion) {
          result.skipped++;
          continue;
        }
        const remoteWins = !local || newerStamp(remote, local);
        const inOrder =
          !local ||
          (change.baseUpdatedAt === local.updatedAt && change.baseWriterRegion === local.writerRegion);
        if (local && !inOrder) {
          const conflict: ConflictRecord = {
            pk: change.pk,
            sk: change.sk,
            local: { updatedAt: local.updatedAt, writerRegion: local.writerRegion },
            remote,
            winner: remoteWins ? 'remote' : 'local',
          };
          result.conflicts.push(conflict);
          this.recordConflict.run(
            change.pk,
            change.sk,
            local.updatedAt,
            local.writerRegion,
            remote.updatedAt,
            remote.writerRegion,
            conflict.winner,
            this.now(),
          );
        }
        if (!remoteWins) {
          result.skipped++;
          continue;
        }
        this.upsert.run(change);
        result.applied.push(local ? { ...change, previousData: local.data } : change);
      }
      const last = changes.at(-1);
      if (last) this.saveCursor.run(peer, 'changes', last.seq);
    })();
    return result;
  }

  conflictCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM replication_conflicts').get() as { n: number }).n;
  }

  recentConflicts(limit: number): Array<ConflictRecord & { detectedAt: number }> {
    const rows = this.db
      .prepare('SELECT * FROM replication_conflicts ORDER BY id DESC LIMIT ?')
      .all(limit) as Array<Record<string, string | number>>;
    return rows.map((row) => ({
      pk: String(row.pk),
      sk: String(row.sk),
      local: { updatedAt: Number(row.local_updated_at), writerRegion: String(row.local_writer_region) },
      remote: { updatedAt: Number(row.remote_updated_at), writerRegion: String(row.remote_writer_region) },
      winner: row.winner === 'remote' ? 'remote' : 'local',
      detectedAt: Number(row.detected_at),
    }));
  }
}
