import type {
  DeadLetterView,
  ExecutionEventView,
  ExecutionView,
  HealthCheck,
  ItemStore,
  OperationsPort,
  Page,
  PageRequest,
} from '@meridian/domain';
import { describeError } from '../shared/aws-errors';
import type { SqsDeadLetters } from './sqs-dead-letters';
import type { StepFunctionsExecutions } from './step-functions-executions';

/** Health answers Route 53 within its 4 s window even when a dependency hangs. */
const CHECK_TIMEOUT_MS = 2_000;
/** An item that never exists: reading it costs half a read unit and proves the table answers. */
export const HEALTH_PROBE_KEY = { pk: 'HEALTH#probe', sk: 'HEALTH' } as const;

export interface AwsOperationsOptions {
  store: ItemStore;
  executions: StepFunctionsExecutions;
  deadLetters: SqsDeadLetters;
}

/** The operations port on AWS: Step Functions for executions, SQS for dead letters, the table for health. */
export class AwsOperations implements OperationsPort {
  constructor(private readonly options: AwsOperationsOptions) {}

  /**
   * `database` decides failover: a strongly consistent read of this region's replica. Dead letters are
   * reported but never degrade the region (the DLQ alarm pages an operator; moving traffic away would
   * not redeliver anything).
   */
  async health(): Promise<Record<string, HealthCheck>> {
    const [database, deadLetters] = await Promise.all([this.checkDatabase(), this.checkDeadLetters()]);
    return { database, deadLetters };
  }

  listDeadLetters(page: PageRequest): Promise<Page<DeadLetterView>> {
    return this.options.deadLetters.list(page);
  }

  redriveDeadLetter(id: string): Promise<boolean> {
    return this.options.deadLetters.redrive(id);
  }

  redriveAllDeadLetters(): Promise<number> {
    return this.options.deadLetters.redriveAll();
  }

  listExecutions(page: PageRequest & { status?: ExecutionView['status'] }): Promise<Page<ExecutionView>> {
    return this.options.executions.list(page);
  }

  executionHistory(name: string): Promise<ExecutionEventView[] | undefined> {
    return this.options.executions.history(name);
  }

  private async checkDatabase(): Promise<HealthCheck> {
    const started = performance.now();
    try {
      await withTimeout(this.options.store.get(HEALTH_PROBE_KEY.pk, HEALTH_PROBE_KEY.sk), CHECK_TIMEOUT_MS);
      return { status: 'ok', detail: `read in ${Math.round(performance.now() - started)} ms` };
    } catch (error) {
      return { status: 'degraded', detail: describeError(error) };
    }
  }

  private async checkDeadLetters(): Promise<HealthCheck> {
    try {
      const depths = await withTimeout(this.options.deadLetters.depths(), CHECK_TIMEOUT_MS);
      const waiting = [...depths.values()].reduce((sum, depth) => sum + depth, 0);
      return { status: 'ok', detail: `${waiting} dead letters in ${depths.size} queues` };
    } catch (error) {
      return { status: 'ok', detail: `dead-letter count unavailable: ${describeError(error)}` };
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
