export { toStoreError } from './dynamodb/dynamodb-errors';
export { DynamoDbItemStore, type DynamoDbItemStoreOptions } from './dynamodb/dynamodb-item-store';
export { decodeIndexCursor, encodeIndexCursor, type IndexPosition } from './dynamodb/index-cursor';
export {
  OUTBOX_PK_PREFIX,
  OUTBOX_SK,
  OUTBOX_TTL_SECONDS,
  outboxEventFromImage,
  outboxItem,
} from './dynamodb/outbox-item';
export { ATTR, MAX_TRANSACTION_ITEMS } from './dynamodb/table-layout';
export { buildTransactItems, InvalidTransactionError } from './dynamodb/transact-items';
export {
  EVENT_ID_FIELD,
  EVENT_TIME_FIELD,
  fromEventBridgeEvent,
  MAX_PUT_EVENTS_BYTES,
  toPutEventsEntry,
} from './eventbridge/event-entry';
export {
  EventBridgePublisher,
  type EventBridgePublisherOptions,
  type FailedPublication,
  type PublishResult,
} from './eventbridge/eventbridge-publisher';
export { AwsOperations, type AwsOperationsOptions, HEALTH_PROBE_KEY } from './operations/aws-operations';
export { SqsDeadLetters, type SqsDeadLettersOptions, toDeadLetterView } from './operations/sqs-dead-letters';
export {
  StepFunctionsExecutions,
  toEventViews,
  toExecutionView,
} from './operations/step-functions-executions';
export {
  SecretsManagerSecret,
  type SecretsManagerSecretOptions,
  UnusableSecretError,
} from './secrets/secrets-manager-secret';
export {
  ExecutionInputConflictError,
  executionArn,
  StepFunctionsOrderWorkflow,
} from './stepfunctions/step-functions-workflow';
