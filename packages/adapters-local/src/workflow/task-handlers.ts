import type { RunOptions } from 'aws-local-stepfunctions';
import { WorkflowHandlersMismatchError } from './workflow-errors';

/** A local stand-in for a Task state's Lambda function: JSON in, JSON out, throw to fail. */
export type TaskHandler = (input: unknown) => Promise<unknown>;

type Overrides = NonNullable<RunOptions['overrides']>;
type LocalHandlers = NonNullable<Overrides['taskResourceLocalHandlers']>;
type JsonValue = Awaited<ReturnType<LocalHandlers[string]>>;

/**
 * What a failed Lambda function reports to Step Functions: an error name and a message, nothing else.
 * aws-local-stepfunctions matches Retry/Catch `ErrorEquals` against `error.name` and builds the Catch
 * output as `{ Error: error.name, Cause: error.message }`, but its StateFailed event reports
 * `error.cause ?? error.message`; dropping `cause` here keeps both equal to the message.
 */
export class LocalTaskError extends Error {
  constructor(name: string, message: string, stack: string | undefined) {
    super(message);
    this.name = name;
    if (stack !== undefined) this.stack = stack;
  }
}

export function toLocalTaskError(thrown: unknown): LocalTaskError {
  if (thrown instanceof Error)
    return new LocalTaskError(thrown.name || 'Error', thrown.message, thrown.stack);
  return new LocalTaskError('Error', typeof thrown === 'string' ? thrown : JSON.stringify(thrown), undefined);
}

/**
 * Adapts handlers to aws-local-stepfunctions. Input and output pass through JSON as they would on the
 * way to and from a Lambda function: the handler gets its own copy, a Date comes back as a string,
 * `undefined` becomes null, and a result that cannot be serialized fails the Task.
 */
export function toLocalHandlers(handlers: Readonly<Record<string, TaskHandler>>): LocalHandlers {
  const local: LocalHandlers = {};
  for (const [stateName, handler] of Object.entries(handlers)) {
    local[stateName] = async (input) => {
      try {
        const result = await handler(JSON.parse(JSON.stringify(input)));
        return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as JsonValue);
      } catch (thrown) {
        throw toLocalTaskError(thrown);
      }
    };
  }
  return local;
}

interface StatesContainer {
  States?: Record<string, StateShape>;
}

interface StateShape {
  Type?: string;
  Retry?: unknown[];
  Branches?: StatesContainer[];
  ItemProcessor?: StatesContainer;
  Iterator?: StatesContainer;
}

/** Names of all Task states and of all states with a Retry, including those nested in Parallel/Map. */
export function collectStates(definition: object): { taskStates: string[]; retryStates: string[] } {
  const taskStates: string[] = [];
  const retryStates: string[] = [];
  const visit = (container: StatesContainer | undefined): void => {
    for (const [name, state] of Object.entries(container?.States ?? {})) {
      if (state.Type === 'Task') taskStates.push(name);
      if (Array.isArray(state.Retry) && state.Retry.length > 0) retryStates.push(name);
      for (const branch of state.Branches ?? []) visit(branch);
      visit(state.ItemProcessor ?? state.Iterator);
    }
  };
  visit(definition as StatesContainer);
  return { taskStates, retryStates };
}

/**
 * Every Task state needs a handler: without one aws-local-stepfunctions would invoke the Resource ARN
 * on AWS with the SDK. A handler for a state that does not exist is a typo worth failing on too.
 */
export function assertHandlersMatch(taskStates: readonly string[], handlerNames: readonly string[]): void {
  const missing = taskStates.filter((name) => !handlerNames.includes(name));
  const unknown = handlerNames.filter((name) => !taskStates.includes(name));
  if (missing.length > 0 || unknown.length > 0) {
    throw new WorkflowHandlersMismatchError(
      `Task handlers do not match the definition (missing: ${missing.join(', ') || 'none'}; ` +
        `not Task states: ${unknown.join(', ') || 'none'})`,
    );
  }
}
