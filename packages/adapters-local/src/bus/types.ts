import type { EventEnvelope } from '@meridian/contracts';
import type { Database } from 'better-sqlite3';

/** What a target receives: the envelope, plus `replay-name` when a replay re-sent it (as on AWS). */
export type DeliveredEvent = EventEnvelope & { 'replay-name'?: string };

export interface BusTarget {
  /** Unique within its rule; together with the rule name it keys persisted deliveries. */
  id: string;
  /** Resolving acknowledges the delivery; throwing or rejecting schedules a retry. */
  invoke: (event: DeliveredEvent) => Promise<void>;
}

export interface BusRule {
  /** Unique per bus; persisted with each delivery, so renaming a rule orphans its pending deliveries. */
  name: string;
  eventPattern: object;
  targets: readonly BusTarget[];
}

export interface BusClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** The timer primitives the bus uses, injectable so a simulation can drive time itself. */
export interface BusTimers {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RetryPolicy {
  /** Invocations per delivery, the first one included, before it is dead-lettered. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface LocalEventBusOptions {
  db: Database;
  name: string;
  clock?: BusClock;
  retry?: Partial<RetryPolicy>;
  /** Deliveries in flight at once, across all targets. Default 16. */
  concurrency?: number;
  /** An invocation still pending after this long counts as a failed attempt. Default 30 000 ms. */
  deliveryTimeoutMs?: number;
  /** Returns a number in [0, 1); drives the backoff jitter. Default Math.random. */
  random?: () => number;
  timers?: BusTimers;
  /** Told about failed attempts and internal errors; the bus never throws them at anyone else. */
  onError?: (info: BusErrorInfo) => void;
}

export type BusErrorInfo =
  | {
      kind: 'delivery-failed';
      deliveryId: string;
      eventId: string;
      ruleName: string;
      targetId: string;
      attempts: number;
      error: unknown;
      /** Set when the delivery will be retried. */
      nextAttemptAt?: string;
      deadLettered: boolean;
    }
  | { kind: 'listener-failed'; eventId: string; error: unknown }
  | { kind: 'dispatch-failed'; error: unknown };

export interface PutEventsResult {
  accepted: number;
  /** Events whose id was already archived: neither archived again nor delivered again. */
  duplicates: number;
}

export interface DeadLetter {
  id: string;
  ruleName: string;
  targetId: string;
  eventId: string;
  attempts: number;
  lastError: string;
  failedAt: string;
  event: DeliveredEvent;
}

export interface PendingDelivery {
  id: string;
  ruleName: string;
  targetId: string;
  eventId: string;
  attempts: number;
  nextAttemptAt: string;
  lastError?: string;
  /** A bus instance is invoking the target right now. */
  inFlight: boolean;
}

export interface ArchivedEvent {
  event: EventEnvelope;
  archivedAt: string;
}

export interface Page<T> {
  items: T[];
  /** Present when more items may follow; pass it back as `cursor`. */
  nextCursor?: string;
}

export interface ReplayRequest {
  /** Unique per bus, like an EventBridge replay name; stamped on every re-sent event as `replay-name`. */
  name: string;
  /** Inclusive lower bound on the event `time` (ISO 8601). */
  from: string;
  /** Exclusive upper bound on the event `time` (ISO 8601). */
  to: string;
  /** Restricts the replay to these rules; default every current rule. */
  ruleNames?: readonly string[];
}

export interface ReplayResult {
  /** Archived events in [from, to) that were re-sent to the rules. */
  replayed: number;
  /** Deliveries those events created (an event can match several targets, or none). */
  deliveries: number;
}

export interface BusStats {
  /** Deliveries not yet acknowledged, in flight ones included. */
  pendingDeliveries: number;
  inFlightDeliveries: number;
  deadLetters: number;
  archivedEvents: number;
}
