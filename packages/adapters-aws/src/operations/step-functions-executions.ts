import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  type ListExecutionsCommandOutput,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import {
  type ExecutionEventView,
  type ExecutionView,
  InvalidCursorError,
  type Page,
  type PageRequest,
} from '@meridian/domain';
import { errorName } from '../shared/aws-errors';
import { mapWithConcurrency } from '../shared/concurrency';
import { isRecord, parseJsonOrUndefined } from '../shared/json';
import { executionArn } from '../stepfunctions/step-functions-workflow';

const MAX_PAGE = 200;
/** DescribeExecution calls in flight per page: the API's default quota refills at 15 per second. */
const DESCRIBE_CONCURRENCY = 8;
/** A saga run has well under 200 history events; the cap only bounds a pathological loop. */
const MAX_HISTORY_PAGES = 10;

/**
 * Executions and histories of the order saga, read from Step Functions. Pages are newest first (the
 * only order ListExecutions offers, and the local runner's); the cursor is Step Functions' nextToken,
 * valid for 24 hours. ABORTED and PENDING_REDRIVE executions are shown as FAILED, with the status as error.
 */
export class StepFunctionsExecutions {
  constructor(private readonly options: { client: SFNClient; stateMachineArn: string }) {}

  async list(page: PageRequest & { status?: ExecutionView['status'] }): Promise<Page<ExecutionView>> {
    const maxResults = Number.isFinite(page.limit)
      ? Math.min(Math.max(1, Math.trunc(page.limit)), MAX_PAGE)
      : MAX_PAGE;
    let listed: ListExecutionsCommandOutput;
    try {
      listed = await this.options.client.send(
        new ListExecutionsCommand({
          stateMachineArn: this.options.stateMachineArn,
          maxResults,
          ...(page.status ? { statusFilter: page.status } : {}),
          ...(page.cursor ? { nextToken: page.cursor } : {}),
        }),
      );
    } catch (error) {
      if (errorName(error) === 'InvalidToken') throw new InvalidCursorError();
      throw error;
    }
    const arns = (listed.executions ?? []).flatMap((execution) =>
      execution.executionArn ? [execution.executionArn] : [],
    );
    const described = await mapWithConcurrency(arns, DESCRIBE_CONCURRENCY, (arn) =>
      this.options.client.send(new DescribeExecutionCommand({ executionArn: arn })),
    );
    return {
      items: described.map(toExecutionView),
      ...(listed.nextToken ? { nextCursor: listed.nextToken } : {}),
    };
  }

  /** Undefined when the state machine has no execution of that name. */
  async history(name: string): Promise<ExecutionEventView[] | undefined> {
    const arn = executionArn(this.options.stateMachineArn, name);
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    try {
      for (let pageCount = 0; pageCount < MAX_HISTORY_PAGES; pageCount++) {
        const page = await this.options.client.send(
          new GetExecutionHistoryCommand({
            executionArn: arn,
            maxResults: 1000,
            ...(nextToken ? { nextToken } : {}),
          }),
        );
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
        if (!nextToken) break;
      }
    } catch (error) {
      if (errorName(error) === 'ExecutionDoesNotExist') return undefined;
      throw error;
    }
    return toEventViews(events);
  }
}

export function toExecutionView(execution: DescribeExecutionCommandOutput): ExecutionView {
  const status = toViewStatus(execution.status);
  const error =
    execution.error ?? (status === 'FAILED' && execution.status !== 'FAILED' ? execution.status : undefined);
  return {
    name: execution.name ?? '',
    status,
    input: parseJsonOrUndefined(execution.input) ?? null,
    startedAt: (execution.startDate ?? new Date(0)).toISOString(),
    ...(execution.output === undefined ? {} : { output: parseJsonOrUndefined(execution.output) }),
    ...(error === undefined ? {} : { error }),
    ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    ...(execution.stopDate === undefined ? {} : { finishedAt: execution.stopDate.toISOString() }),
  };
}

function toViewStatus(status: ExecutionStatus | undefined): ExecutionView['status'] {
  if (status === 'RUNNING' || status === 'SUCCEEDED' || status === 'TIMED_OUT') return status;
  return 'FAILED';
}

/**
 * Flattens Step Functions history events to the console's view. Each event keeps its details in a
 * type-specific field (`taskFailedEventDetails`, `lambdaFunctionFailedEventDetails`, …), so error and cause
 * are found by suffix; events that name no state (Lambda calls, task failures) belong to the state entered last.
 */
export function toEventViews(events: readonly HistoryEvent[]): ExecutionEventView[] {
  let currentState: string | undefined;
  return events.map((event) => {
    const stateName = event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name;
    if (event.stateEnteredEventDetails?.name) currentState = stateName;
    const details = Object.entries(event).find(
      ([key, value]) =>
        key.endsWith('EventDetails') && isRecord(value) && ('error' in value || 'cause' in value),
    )?.[1] as Record<string, unknown> | undefined;
    const state = stateName ?? currentState;
    const view: ExecutionEventView = {
      type: event.type ?? 'Unknown',
      at: (event.timestamp ?? new Date(0)).toISOString(),
      ...(state === undefined ? {} : { state }),
      ...(typeof details?.error === 'string' ? { error: details.error } : {}),
      ...(typeof details?.cause === 'string' ? { cause: details.cause } : {}),
    };
    if (event.stateExitedEventDetails) currentState = undefined;
    return view;
  });
}
