import type { StateMachine } from 'aws-local-stepfunctions';
import type { HistoryRow } from './workflow-store';

/** One event of aws-local-stepfunctions' `eventLogs` (the type is not exported by the package). */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export function toHistoryRow(
  executionId: number,
  run: number,
  event: EventLog,
  timestamp: string,
): HistoryRow {
  const stateName =
    'state' in event ? event.state.name : 'parentState' in event ? event.parentState.name : null;
  return {
    executionId,
    run,
    type: event.type,
    stateName,
    timestamp,
    error: 'Error' in event ? String(event.Error) : null,
    cause: 'Cause' in event ? describeCause(event.Cause) : null,
    retryAttempt: event.type === 'StateRetried' ? event.retry.attempt : null,
    nextState: event.type === 'StateCaught' ? event.catch.catcher.Next : null,
  };
}

/** The library reports `error.cause ?? error.message`, so a Cause may be an Error or any value. */
function describeCause(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause) ?? String(cause);
}
