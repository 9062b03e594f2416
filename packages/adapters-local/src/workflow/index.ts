export type { EventLog } from './event-log';
export type { WorkflowLogger } from './history-writer';
export {
  type Clock,
  LocalWorkflowRunner,
  type LocalWorkflowRunnerOptions,
  type StartResult,
  type StopOptions,
} from './local-workflow-runner';
export { compileStateMachine } from './prepare-machine';
export { localFunctionArns, placeholderNames, substituteDefinition } from './substitute-definition';
export { LocalTaskError, type TaskHandler } from './task-handlers';
export {
  ExecutionAlreadyExistsError,
  InvalidExecutionNameError,
  InvalidListCursorError,
  InvalidListRequestError,
  UnresolvedPlaceholderError,
  WorkflowHandlersMismatchError,
} from './workflow-errors';
export {
  type ExecutionDescription,
  type ExecutionStatus,
  type ExecutionSummary,
  executionStatuses,
  type ListPage,
  type ListRequest,
  type WorkflowHistoryEvent,
  workflowMigrations,
} from './workflow-store';
