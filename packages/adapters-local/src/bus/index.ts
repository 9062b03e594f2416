export { backoffDelayMs } from './backoff';
export { DEFAULT_CONCURRENCY, DEFAULT_DELIVERY_TIMEOUT_MS, DEFAULT_RETRY } from './bus-options';
export {
  BusConfigurationError,
  InvalidCursorError,
  InvalidEventError,
  InvalidEventPatternError,
  ReplayNameConflictError,
} from './errors';
export {
  assertValidEventPattern,
  type CompiledEventPattern,
  compileEventPattern,
  type EventPattern,
  matchesEventPattern,
} from './event-pattern';
export { LocalEventBus } from './local-event-bus';
export { busMigrations } from './schema';
export type {
  ArchivedEvent,
  BusClock,
  BusErrorInfo,
  BusRule,
  BusStats,
  BusTarget,
  BusTimers,
  DeadLetter,
  DeliveredEvent,
  LocalEventBusOptions,
  Page,
  PendingDelivery,
  PutEventsResult,
  ReplayRequest,
  ReplayResult,
  RetryPolicy,
} from './types';
