import {
  InvalidCursorError as BusInvalidCursorError,
  InvalidListCursorError,
  type LocalEventBus,
  type LocalWorkflowRunner,
  type OutboxRelay,
  type SqliteItemStore,
} from '@meridian/adapters-local';
import {
  type DeadLetterView,
  type ExecutionEventView,
  type ExecutionView,
  type HealthCheck,
  InvalidCursorError,
  type OperationsPort,
  type Page,
  type PageRequest,
} from '@meridian/domain';

/** Outbox rows older than this mean the relay is stuck: the region reports itself degraded. */
const STUCK_OUTBOX_MS = 30_000;

/** The operations port over the local bus, workflow runner and outbox. */
export class LocalOperations implements OperationsPort {
  constructor(
    private readonly deps: {
      store: Pick<SqliteItemStore, 'answers'>;
      bus: LocalEventBus;
      runner: LocalWorkflowRunner;
      relay: OutboxRelay;
      now: () => number;
      /** Whether the region has caught up with its peers since it started (see ReplicationPuller). */
      replicationCaughtUp?: () => boolean;
    },
  ) {}

  async health(): Promise<Record<string, HealthCheck>> {
    const databaseAnswers = this.deps.store.answers();
    const oldest = this.deps.relay.oldestPendingAt();
    const outboxLagMs = oldest === undefined ? 0 : this.deps.now() - oldest;
    const stats = this.deps.bus.deliveryCounts();
    return {
      database: { status: databaseAnswers ? 'ok' : 'degraded' },
      outbox: {
        status: outboxLagMs < STUCK_OUTBOX_MS ? 'ok' : 'degraded',
        detail: `${this.deps.relay.pendingCount()} unpublished, oldest ${outboxLagMs} ms`,
      },
      bus: {
        status: 'ok',
        detail: `${stats.pendingDeliveries} pending deliveries, ${stats.deadLetters} dead letters`,
      },
      // Until a restarted region has pulled what its peers wrote meanwhile, the front door keeps clients
      // on the regions that have.
      replication:
        (this.deps.replicationCaughtUp?.() ?? true)
          ? { status: 'ok' }
          : { status: 'degraded', detail: 'catching up with the peer regions after a start' },
    };
  }

  async listDeadLetters(page: PageRequest): Promise<Page<DeadLetterView>> {
    const result = withDomainCursorError(() => this.deps.bus.listDeadLetters(page));
    return {
      items: result.items.map((letter) => ({
        id: letter.id,
        rule: letter.ruleName,
        target: letter.targetId,
        attempts: letter.attempts,
        error: letter.lastError,
        failedAt: letter.failedAt,
        event: { ...letter.event },
      })),
      ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
    };
  }

  async redriveDeadLetter(id: string): Promise<boolean> {
    return this.deps.bus.redriveDeadLetter(id);
  }

  async redriveAllDeadLetters(): Promise<number> {
    return this.deps.bus.redriveAllDeadLetters();
  }

  async listExecutions(
    page: PageRequest & { status?: ExecutionView['status'] },
  ): Promise<Page<ExecutionView>> {
    const result = withDomainCursorError(() =>
      this.deps.runner.list({
        limit: page.limit,
        ...(page.cursor ? { cursor: page.cursor } : {}),
        ...(page.status ? { status: page.status } : {}),
      }),
    );
    const items = result.executions.flatMap((summary) => {
      const execution = this.deps.runner.describe(summary.name);
      if (!execution) return [];
      const view: ExecutionView = {
        name: execution.name,
        status: execution.status,
        input: execution.input,
        startedAt: execution.startedAt,
        ...(execution.output === null ? {} : { output: execution.output }),
        ...(execution.error === null ? {} : { error: execution.error }),
        ...(execution.cause === null ? {} : { cause: execution.cause }),
        ...(execution.finishedAt === null ? {} : { finishedAt: execution.finishedAt }),
      };
      return [view];
    });
    return { items, ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}) };
  }

  async executionHistory(name: string): Promise<ExecutionEventView[] | undefined> {
    if (!this.deps.runner.describe(name)) return undefined;
    return this.deps.runner.history(name).map((event) => ({
      type: event.type,
      at: event.timestamp,
      ...(event.stateName === null ? {} : { state: event.stateName }),
      ...(event.error === null ? {} : { error: event.error }),
      ...(event.cause === null ? {} : { cause: event.cause }),
    }));
  }
}

/**
 * The bus and the workflow runner refuse a cursor they did not issue with errors of their own; the API
 * maps only the domain's InvalidCursorError (400 invalid_cursor), so translate theirs into it.
 */
function withDomainCursorError<T>(list: () => T): T {
  try {
    return list();
  } catch (error) {
    if (error instanceof BusInvalidCursorError || error instanceof InvalidListCursorError) {
      throw new InvalidCursorError();
    }
    throw error;
  }
}
