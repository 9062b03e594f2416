import type { Database, Statement } from 'better-sqlite3';
import type { Migration } from '../sqlite/migrations';
import { InvalidListCursorError, InvalidListRequestError } from './workflow-errors';

export const workflowMigrations: Migration[] = [
  {
    id: 'workflow-001-executions',
    // AUTOINCREMENT so ids, which order executions and serve as list cursors, are never reused.
    sql: `CREATE TABLE workflow_executions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL UNIQUE,
      status TEXT NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT')),
      input TEXT NOT NULL,
      output TEXT,
      error TEXT,
      cause TEXT,
      runs INTEGER NOT NULL DEFAULT 1,
      started_at TEXT NOT NULL,
      finished_at TEXT
    );
    CREATE INDEX workflow_executions_status ON workflow_executions (status, id);`,
  },
  {
    id: 'workflow-002-history',
    sql: `CREATE TABLE workflow_history (
      id INTEGER PRIMARY KEY,
      execution_id INTEGER NOT NULL REFERENCES workflow_executions (id) ON DELETE CASCADE,
      run INTEGER NOT NULL,
      type TEXT NOT NULL,
      state_name TEXT,
      at TEXT NOT NULL,
      error TEXT,
      cause TEXT,
      retry_attempt INTEGER,
      next_state TEXT
    );
    CREATE INDEX workflow_history_execution ON workflow_history (execution_id, id);`,
  },
];

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
export const executionStatuses: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT'];

export interface ExecutionSummary {
  name: string;
  status: ExecutionStatus;
  startedAt: string;
  finishedAt: string | null;
}

export interface ExecutionDescription extends ExecutionSummary {
  input: unknown;
  output: unknown;
  error: string | null;
  cause: string | null;
  /** 1 for the first run; each resume after a restart re-runs from the start and adds one. */
  runs: number;
}

export interface WorkflowHistoryEvent {
  run: number;
  type: string;
  stateName: string | null;
  timestamp: string;
  error: string | null;
  cause: string | null;
  retryAttempt: number | null;
  nextState: string | null;
}

export interface HistoryRow extends WorkflowHistoryEvent {
  executionId: number;
}

export interface FinishRow {
  executionId: number;
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  output: string | null;
  error: string | null;
  cause: string | null;
  finishedAt: string;
}

export interface UnfinishedExecution {
  id: number;
  name: string;
  input: string;
  runs: number;
  startedAt: string;
}

export interface ListRequest {
  status?: ExecutionStatus;
  limit: number;
  cursor?: string;
}

export interface ListPage {
  executions: ExecutionSummary[];
  /** Pass back as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

interface ExecutionRow {
  id: number;
  name: string;
  status: ExecutionStatus;
  input: string;
  output: string | null;
  error: string | null;
  cause: string | null;
  runs: number;
  started_at: string;
  finished_at: string | null;
}

const MAX_LIST_LIMIT = 1000;

/** All SQL of the workflow runner, with statements prepared once. */
export class WorkflowStore {
  private readonly insertExecution: Statement;
  private readonly selectByName: Statement;
  private readonly insertEvent: Statement;
  private readonly updateFinish: Statement;
  private readonly bumpRuns: Statement;

  constructor(private readonly db: Database) {
    this.insertExecution = db.prepare(
      `INSERT INTO workflow_executions (name, status, input, started_at) VALUES (?, 'RUNNING', ?, ?)
       ON CONFLICT (name) DO NOTHING`,
    );
    this.selectByName = db.prepare('SELECT * FROM workflow_executions WHERE name = ?');
    this.insertEvent = db.prepare(
      `INSERT INTO workflow_history
        (execution_id, run, type, state_name, at, error, cause, retry_attempt, next_state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateFinish = db.prepare(
      `UPDATE workflow_executions SET status = ?, output = ?, error = ?, cause = ?, finished_at = ?
       WHERE id = ? AND status = 'RUNNING'`,
    );
    this.bumpRuns = db.prepare('UPDATE workflow_executions SET runs = runs + 1 WHERE id = ?');
  }

  /** Commits a RUNNING execution; undefined when the name is already taken. */
  create(name: string, input: string, startedAt: string): number | undefined {
    const result = this.insertExecution.run(name, input, startedAt);
    return result.changes === 1 ? Number(result.lastInsertRowid) : undefined;
  }

  storedInput(name: string): string | undefined {
    return (this.selectByName.get(name) as ExecutionRow | undefined)?.input;
  }

  /** Marks the given RUNNING executions as re-run (one more run each) in one transaction. */
  claimUnfinished(skip: ReadonlySet<number>): UnfinishedExecution[] {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT id, name, input, runs, started_at AS startedAt FROM workflow_executions
           WHERE status = 'RUNNING' ORDER BY id`,
        )
        .all() as UnfinishedExecution[];
      const claimed = rows.filter((row) => !skip.has(row.id));
      for (const row of claimed) this.bumpRuns.run(row.id);
      return claimed.map((row) => ({ ...row, runs: row.runs + 1 }));
    })();
  }

  /** Writes a batch of history events and finished executions in one transaction. */
  writeBatch(events: readonly HistoryRow[], finishes: readonly FinishRow[]): void {
    this.db.transaction(() => {
      for (const e of events) {
        this.insertEvent.run(
          e.executionId,
          e.run,
          e.type,
          e.stateName,
          e.timestamp,
          e.error,
          e.cause,
          e.retryAttempt,
          e.nextState,
        );
      }
      for (const f of finishes) {
        this.updateFinish.run(f.status, f.output, f.error, f.cause, f.finishedAt, f.executionId);
      }
    })();
  }

  describe(name: string): ExecutionDescription | undefined {
    const row = this.selectByName.get(name) as ExecutionRow | undefined;
    if (row === undefined) return undefined;
    return {
      ...toSummary(row),
      input: JSON.parse(row.input),
      output: row.output === null ? null : JSON.parse(row.output),
      error: row.error,
      cause: row.cause,
      runs: row.runs,
    };
  }

  list(request: ListRequest): ListPage {
    const { status, limit, cursor } = request;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new InvalidListRequestError(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
    }
    if (cursor !== undefined && !/^[1-9]\d{0,15}$/.test(cursor)) {
      throw new InvalidListCursorError();
    }
    // One extra row tells whether an older page exists without a COUNT.
    const rows = this.db
      .prepare(
        `SELECT * FROM workflow_executions
         WHERE (@status IS NULL OR status = @status) AND (@before IS NULL OR id < @before)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({
        status: status ?? null,
        before: cursor === undefined ? null : Number(cursor),
        limit: limit + 1,
      }) as ExecutionRow[];
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      executions: page.map(toSummary),
      ...(rows.length > limit && last !== undefined ? { nextCursor: String(last.id) } : {}),
    };
  }

  history(name: string): WorkflowHistoryEvent[] {
    const rows = this.db
      .prepare(
        `SELECT h.run, h.type, h.state_name, h.at, h.error, h.cause, h.retry_attempt, h.next_state
         FROM workflow_history h JOIN workflow_executions e ON e.id = h.execution_id
         WHERE e.name = ? ORDER BY h.id`,
      )
      .all(name) as Array<{
      run: number;
      type: string;
      state_name: string | null;
      at: string;
      error: string | null;
      cause: string | null;
      retry_attempt: number | null;
      next_state: string | null;
    }>;
    return rows.map((r) => ({
      run: r.run,
      type: r.type,
      stateName: r.state_name,
      timestamp: r.at,
      error: r.error,
      cause: r.cause,
      retryAttempt: r.retry_attempt,
      nextState: r.next_state,
    }));
  }

  counts(): Record<ExecutionStatus, number> {
    const counts = Object.fromEntries(executionStatuses.map((s) => [s, 0])) as Record<
      ExecutionStatus,
      number
    >;
    const rows = this.db
      .prepare('SELECT status, COUNT(*) AS n FROM workflow_executions GROUP BY status')
      .all() as Array<{ status: ExecutionStatus; n: number }>;
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }
}

function toSummary(row: ExecutionRow): ExecutionSummary {
  return { name: row.name, status: row.status, startedAt: row.started_at, finishedAt: row.finished_at };
}
