import { DescribeExecutionCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { type OrderWorkflow, type SagaRunStatus, sagaExecutionName, TransientError } from '@meridian/domain';
import { describeError, errorName, isTransientAwsError } from '../shared/aws-errors';
import { isRecord, parseJsonOrUndefined } from '../shared/json';

/** Two executions share a name but not an input: a bug, since the name is derived from the input. */
export class ExecutionInputConflictError extends Error {
  constructor(name: string) {
    super(`an execution named ${name} already exists with a different input`);
    this.name = 'ExecutionInputConflictError';
  }
}

/**
 * Starts the order saga on a Standard state machine. The execution name is the idempotency key
 * (`<orderId>` or `<orderId>-cancel`): Step Functions answers a repeated start of a running execution
 * with success, and one of a finished execution with ExecutionAlreadyExists, which is also success
 * when the stored input is the same request.
 */
export class StepFunctionsOrderWorkflow implements OrderWorkflow {
  constructor(private readonly options: { client: SFNClient; stateMachineArn: string }) {}

  async startOrderSaga(orderId: string, mode: 'place' | 'cancel'): Promise<void> {
    const name = sagaExecutionName(orderId, mode);
    const input = { orderId, mode };
    try {
      await this.options.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.options.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      if (errorName(error) !== 'ExecutionAlreadyExists') throw toWorkflowError(error);
      const existing = await this.options.client
        .send(
          new DescribeExecutionCommand({ executionArn: executionArn(this.options.stateMachineArn, name) }),
        )
        .catch((describeFailure: unknown) => {
          throw toWorkflowError(describeFailure);
        });
      if (!sameInput(existing.input, input)) throw new ExecutionInputConflictError(name);
    }
  }

  /** The run's status, by DescribeExecution on its name; undefined when there is no such execution. */
  async describeOrderSaga(orderId: string, mode: 'place' | 'cancel'): Promise<SagaRunStatus | undefined> {
    const arn = executionArn(this.options.stateMachineArn, sagaExecutionName(orderId, mode));
    try {
      const { status } = await this.options.client.send(new DescribeExecutionCommand({ executionArn: arn }));
      return RUN_STATUSES.find((known) => known === status) ?? 'FAILED';
    } catch (error) {
      if (errorName(error) === 'ExecutionDoesNotExist') return undefined;
      throw toWorkflowError(error);
    }
  }
}

/** Step Functions' execution statuses the saga can be in (PENDING_REDRIVE is reported as FAILED). */
const RUN_STATUSES: readonly SagaRunStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

/** arn:aws:states:<region>:<account>:stateMachine:<machine> → …:execution:<machine>:<name> */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

function sameInput(stored: string | undefined, expected: { orderId: string; mode: string }): boolean {
  const parsed = parseJsonOrUndefined(stored);
  return isRecord(parsed) && parsed.orderId === expected.orderId && parsed.mode === expected.mode;
}

function toWorkflowError(error: unknown): unknown {
  return isTransientAwsError(error)
    ? new TransientError(`Step Functions is busy: ${describeError(error)}`)
    : error;
}
