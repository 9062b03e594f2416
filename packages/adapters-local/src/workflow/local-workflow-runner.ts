import { systemClock, systemTimers, type Timers } from '@meridian/adapters-node';
import type { StateMachine } from 'aws-local-stepfunctions';
import type { Database } from 'better-sqlite3';
import { applyMigrations } from '../sqlite/migrations';
import { type EventLog, toHistoryRow } from './event-log';
import { assertExecutionName, canonicalJson } from './execution-input';
import { failureOf, type Outcome } from './execution-outcome';
import { ExecutionScheduler } from './execution-scheduler';
import { errorsToConsole, HistoryWriter, type WorkflowLogger } from './history-writer';
import { type PreparedMachine, prepareMachine } from './prepare-machine';
import type { TaskHandler } from './task-handlers';
import { ExecutionAlreadyExistsError } from './workflow-errors';
import {
  type ExecutionDescription,
  type ExecutionStatus,
  type FinishRow,
  type ListPage,
  type ListRequest,
  type WorkflowHistoryEvent,
  WorkflowStore,
  workflowMigrations,
} from './workflow-store';

export interface Clock {
  now(): number;
}

export interface LocalWorkflowRunnerOptions {
  db: Database;
  /** A parsed ASL definition with every `${Name}` placeholder already substituted. */
  definition: object;
  /** One handler per Task state name, exactly. */
  handlers: Record<string, TaskHandler>;
  /** When set, every Retry waits this long instead of the ASL's IntervalSeconds/backoff/jitter. */
  retryIntervalMs?: number;
  clock?: Clock;
  /** The timers the runner itself schedules with (the library's own Retry waits use the global ones). */
  timers?: Timers;
  /**
   * The definition already validated as a state machine (see `compileStateMachine`): validating costs
   * ~100 ms, so a process that builds many runners for one definition (a simulation) validates it once.
   */
  machine?: StateMachine;
  /** Executions running at once (default 64); later ones wait in memory, already RUNNING in SQLite. */
  maxConcurrent?: number;
  /** Called after an execution's final status is committed. */
  onExecutionFinished?: (execution: ExecutionDescription) => void;
  logger?: WorkflowLogger;
}

export interface StartResult {
  executionName: string;
  /** false when an execution with this name and the same input already existed. */
  started: boolean;
}

export interface StopOptions {
  /** How long to let running executions finish before detaching them (default 2000 ms). */
  graceMs?: number;
}

interface Execution {
  id: number;
  name: string;
  input: string;
  run: number;
  startedAt: string;
  abort: (() => void) | undefined;
  detached: boolean;
}

/**
 * Runs the order saga's ASL locally with aws-local-stepfunctions and keeps Step Functions' record of
 * it in SQLite: executions (RUNNING → SUCCEEDED | FAILED | TIMED_OUT) and their event history.
 * One runner per database file; a second process on the same file would resume the first's work.
 */
export class LocalWorkflowRunner {
  private readonly store: WorkflowStore;
  private readonly writer: HistoryWriter;
  private readonly prepared: PreparedMachine;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly logger: WorkflowLogger;
  private readonly onExecutionFinished: ((execution: ExecutionDescription) => void) | undefined;
  private readonly scheduler: ExecutionScheduler<Execution>;
  private lastStampMs = Number.NaN;
  private lastStamp = '';

  constructor(options: LocalWorkflowRunnerOptions) {
    this.scheduler = new ExecutionScheduler(options.maxConcurrent ?? 64, (execution) =>
      this.execute(execution),
    );
    this.prepared = prepareMachine(options);
    applyMigrations(options.db, workflowMigrations);
    this.store = new WorkflowStore(options.db);
    this.logger = options.logger ?? errorsToConsole;
    this.timers = options.timers ?? systemTimers;
    this.writer = new HistoryWriter(this.store, this.logger, this.timers);
    this.clock = options.clock ?? systemClock;
    this.onExecutionFinished = options.onExecutionFinished;
  }

  /**
   * Commits the execution as RUNNING, then schedules it. The same name with the same input is
   * idempotent whatever the execution's status (Step Functions only allows it while RUNNING); after
   * `stop()` the row is still committed and the next process's `resumeUnfinished()` runs it.
   */
  async start(name: string, input: object): Promise<StartResult> {
    assertExecutionName(name);
    const inputJson = canonicalJson(input);
    const startedAt = this.timestamp();
    const id = this.store.create(name, inputJson, startedAt);
    if (id === undefined) {
      if (this.store.storedInput(name) === inputJson) return { executionName: name, started: false };
      throw new ExecutionAlreadyExistsError(name);
    }
    this.enqueue({ id, name, input: inputJson, run: 1, startedAt, abort: undefined, detached: false });
    return { executionName: name, started: true };
  }

  /**
   * Re-runs every RUNNING execution from its first state with its stored input: the saga's Tasks are
   * idempotent by order id + step, so steps that completed before the restart replay their results.
   */
  async resumeUnfinished(): Promise<number> {
    if (this.scheduler.isStopped) return 0;
    const claimed = this.store.claimUnfinished(this.scheduler.ids);
    for (const row of claimed) {
      this.enqueue({ ...row, run: row.runs, abort: undefined, detached: false });
    }
    if (claimed.length > 0)
      this.logger.info('resuming unfinished workflow executions', { count: claimed.length });
    return claimed.length;
  }

  describe(name: string): ExecutionDescription | undefined {
    return this.store.describe(name);
  }

  /** Newest first; pass `nextCursor` back as `cursor` for the next page. */
  list(request: ListRequest): ListPage {
    return this.store.list(request);
  }

  history(name: string): WorkflowHistoryEvent[] {
    return this.store.history(name);
  }

  counts(): Record<ExecutionStatus, number> {
    return this.store.counts();
  }

  /** Resolves when nothing is running or queued and every outcome is committed. */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /**
   * Stops starting queued executions and gives running ones `graceMs` to finish. Whatever is still
   * running then is detached, not failed: its current Task call is left to return, no further state
   * starts (the library's abort signal is checked between states), nothing more is written, and it stays
   * RUNNING for the next `resumeUnfinished()`. The database may be closed once this resolves.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    this.scheduler.stop();
    if (this.scheduler.runningNow().length > 0) {
      let timer: unknown;
      const grace = new Promise<void>((resolve) => {
        timer = this.timers.setTimeout(resolve, options.graceMs ?? 2_000);
      });
      await Promise.race([this.idle(), grace]);
      this.timers.clearTimeout(timer);
    }
    const detached = this.scheduler.runningNow();
    for (const execution of detached) {
      execution.detached = true;
      execution.abort?.();
    }
    this.writer.close();
    if (detached.length > 0) {
      this.logger.info('workflow runner stopped; executions left RUNNING for resume', {
        executions: detached.map((execution) => execution.name),
      });
    }
    this.scheduler.notifyIfIdle();
  }

  private enqueue(execution: Execution): void {
    if (!this.scheduler.schedule(execution)) {
      this.logger.info('workflow runner stopped; execution left RUNNING for resume', {
        name: execution.name,
      });
    }
  }

  private async execute(execution: Execution): Promise<void> {
    try {
      const run = this.prepared.machine.run(JSON.parse(execution.input), {
        overrides: this.prepared.overrides,
      });
      execution.abort = run.abort;
      const recorded = this.record(execution, run.eventLogs);
      const outcome = await run.result.then(
        (output): Outcome => ({ status: 'SUCCEEDED', output }),
        (thrown: unknown) => failureOf(thrown),
      );
      await recorded;
      if (!execution.detached) await this.finish(execution, outcome);
    } catch (error) {
      this.logger.error('workflow execution failed inside the runner', {
        name: execution.name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private async record(execution: Execution, events: AsyncGenerator<EventLog>): Promise<void> {
    for await (const event of events) {
      if (execution.detached) continue;
      this.writer.append(toHistoryRow(execution.id, execution.run, event, this.timestamp()));
    }
  }

  private async finish(execution: Execution, outcome: Outcome): Promise<void> {
    const succeeded = outcome.status === 'SUCCEEDED';
    const row: FinishRow = {
      executionId: execution.id,
      status: outcome.status,
      output: succeeded ? JSON.stringify(outcome.output) : null,
      error: succeeded ? null : outcome.error,
      cause: succeeded ? null : outcome.cause,
      finishedAt: this.timestamp(),
    };
    if (!(await this.writer.finish(row))) return;
    if (!succeeded) {
      this.logger.error('workflow execution failed', {
        name: execution.name,
        error: row.error,
        cause: row.cause,
      });
    }
    if (this.onExecutionFinished === undefined) return;
    try {
      this.onExecutionFinished({
        name: execution.name,
        status: row.status,
        startedAt: execution.startedAt,
        finishedAt: row.finishedAt,
        input: JSON.parse(execution.input),
        output: succeeded ? outcome.output : null,
        error: row.error,
        cause: row.cause,
        runs: execution.run,
      });
    } catch (error) {
      this.logger.error('onExecutionFinished threw', { name: execution.name, error: String(error) });
    }
  }

  // Cached per millisecond: a saga records ~16 events, mostly within the same millisecond.
  private timestamp(): string {
    const now = this.clock.now();
    if (now !== this.lastStampMs) {
      this.lastStampMs = now;
      this.lastStamp = new Date(now).toISOString();
    }
    return this.lastStamp;
  }
}
