import type { Page, PageRequest } from '../store/item-store';

export interface HealthCheck {
  status: 'ok' | 'degraded';
  detail?: string;
}

export interface DeadLetterView {
  id: string;
  rule: string;
  target: string;
  attempts: number;
  error: string;
  failedAt: string;
  event: Record<string, unknown>;
}

export interface ExecutionView {
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  startedAt: string;
  finishedAt?: string;
}

export interface ExecutionEventView {
  type: string;
  state?: string;
  at: string;
  error?: string;
  cause?: string;
}

/**
 * Port for the operations console and health endpoint: what the runtime's infrastructure knows (the bus's
 * dead letters, the workflow engine's executions). Local: the local bus and runner; AWS: SQS DLQs and
 * Step Functions.
 */
export interface OperationsPort {
  health(): Promise<Record<string, HealthCheck>>;
  listDeadLetters(page: PageRequest): Promise<Page<DeadLetterView>>;
  /** False when no dead letter has that id. */
  redriveDeadLetter(id: string): Promise<boolean>;
  redriveAllDeadLetters(): Promise<number>;
  listExecutions(page: PageRequest & { status?: ExecutionView['status'] }): Promise<Page<ExecutionView>>;
  /** Undefined when no execution has that name. */
  executionHistory(name: string): Promise<ExecutionEventView[] | undefined>;
}
