// aws-local-stepfunctions 3 calls Promise.withResolvers (Node 22+) in every Task state; on Node 20 each
// Task would throw a TypeError that the saga's `States.ALL` Catch silently turns into a compensation.
import 'core-js/actual/promise/with-resolvers.js';
import { type RunOptions, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { Database } from 'better-sqlite3';
import { systemClock } from '../runtime/system-clock';
import { systemTimers, type Timers } from '../runtime/timers';
import { applyMigrations } from '../sqlite/migrations';
import { type EventLog, toHistoryRow } from './event-log';
import { assertExecutionName, canonicalJson } from './execution-input';
import { failureOf, type Outcome } from './execution-outcome';
import { FifoQueue } from './fifo-queue';
import { errorsToConsole, HistoryWriter, type WorkflowLogger } from './history-writer';
import { placeholderNames } from './substitute-definition';
import { assertHandlersMatch, collectStates, type TaskHandler, toLocalHandlers } from './task-handlers';
import { ExecutionAlreadyExistsError, UnresolvedPlaceholderError } from './workflow-errors';
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
 * Validates a definition (placeholders substituted) and builds the library's state machine for it; the
 * clone is because the validator writes QueryLanguage into the states it checks.
 */
export function compileStateMachine(definition: object): StateMachine {
  return new StateMachine(structuredClone(definition) as StateMachineDefinition);
}

/**
 * Runs the order saga's ASL locally with aws-local-stepfunctions and keeps Step Functions' record of
 * it in SQLite: executions (RUNNING → SUCCEEDED | FAILED | TIMED_OUT) and their event history.
 * One runner per database file; a second process on the same file would resume the first's work.
 */
export class LocalWorkflowRunner {
  private readonly store: WorkflowStore;
  private readonly writer: HistoryWriter;
  private readonly machine: StateMachine;
  private readonly overrides: NonNullable<RunOptions['overrides']>;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly logger: WorkflowLogger;
  private readonly maxConcurrent: number;
  private readonly onExecutionFinished: ((execution: ExecutionDescription) => void) | undefined;
  private readonly queue = new FifoQueue<Execution>();
  private readonly running = new Map<number, Execution>();
  /** Ids queued or running here, so a resume never starts a second run of the same execution. */
  private readonly scheduled = new Set<number>();
  private idleWaiters: Array<() => void> = [];
  private stopped = false;
  private lastStampMs = Number.NaN;
  private lastStamp = '';

  constructor(options: LocalWorkflowRunnerOptions) {
    const { definition, handlers, retryIntervalMs, maxConcurrent = 64 } = options;
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new RangeError('maxConcurrent must be a positive integer');
    }
    const leftover = placeholderNames(JSON.stringify(definition));
    if (leftover.length > 0) throw new UnresolvedPlaceholderError(leftover);
    const { taskStates, retryStates } = collectStates(definition);
    assertHandlersMatch(taskStates, Object.keys(handlers));
    // Validating costs ~100 ms (asl-validator), so the machine is built once and reused by every run.
    this.machine = options.machine ?? compileStateMachine(definition);
    this.overrides = {
      taskResourceLocalHandlers: toLocalHandlers(handlers),
      ...(retryIntervalMs === undefined
        ? {}
        : { retryIntervalOverrides: Object.fromEntries(retryStates.map((name) => [name, retryIntervalMs])) }),
    };
    applyMigrations(options.db, workflowMigrations);
    this.store = new WorkflowStore(options.db);
    this.logger = options.logger ?? errorsToConsole;
    this.timers = options.timers ?? systemTimers;
    this.writer = new HistoryWriter(this.store, this.logger, this.timers);
    this.clock = options.clock ?? systemClock;
    this.maxConcurrent = maxConcurrent;
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
    if (this.stopped) return 0;
    const claimed = this.store.claimUnfinished(this.scheduled);
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
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops starting queued executions and gives running ones `graceMs` to finish. Whatever is still
   * running then is detached, not failed: its current Task call is left to return, no further state
   * starts (the library's abort signal is checked between states), nothing more is written, and it stays
   * RUNNING for the next `resumeUnfinished()`. The database may be closed once this resolves.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    this.stopped = true;
    for (const execution of this.queue.drain()) this.scheduled.delete(execution.id);
    if (this.running.size > 0) {
      let timer: unknown;
      const grace = new Promise<void>((resolve) => {
        timer = this.timers.setTimeout(resolve, options.graceMs ?? 2_000);
      });
      await Promise.race([this.idle(), grace]);
      this.timers.clearTimeout(timer);
    }
    const detached = [...this.running.values()];
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
    this.notifyIfIdle();
  }

  private enqueue(execution: Execution): void {
    if (this.stopped) {
      this.logger.info('workflow runner stopped; execution left RUNNING for resume', {
        name: execution.name,
      });
      return;
    }
    this.scheduled.add(execution.id);
    this.queue.push(execution);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.maxConcurrent) {
      const execution = this.queue.take();
      if (execution === undefined) return;
      this.running.set(execution.id, execution);
      void this.execute(execution);
    }
  }

  private async execute(execution: Execution): Promise<void> {
    try {
      const run = this.machine.run(JSON.parse(execution.input), { overrides: this.overrides });
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
    } finally {
      this.running.delete(execution.id);
      this.scheduled.delete(execution.id);
      this.pump();
      this.notifyIfIdle();
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

  private isIdle(): boolean {
    return this.running.size === 0 && this.queue.size === 0;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
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
