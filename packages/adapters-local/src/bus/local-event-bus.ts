import { type EventEnvelope, eventEnvelopeSchema } from '@meridian/contracts';
import type { Database } from 'better-sqlite3';
import { applyMigrations } from '../sqlite/migrations';
import { ArchiveStore } from './archive-store';
import { type ResolvedBusOptions, resolveBusOptions } from './bus-options';
import { assertLimit, decodeCursor, encodeCursor } from './cursor';
import { DeliveryStore, type DeliveryTarget } from './delivery-store';
import { Dispatcher } from './dispatcher';
import { BusConfigurationError, InvalidEventError } from './errors';
import { replayArchive } from './replay';
import { RuleRegistry } from './rule-registry';
import { busMigrations } from './schema';
import { parseTimestampMs, requireTimestampMs, toIso } from './timestamps';
import type {
  ArchivedEvent,
  BusRule,
  BusStats,
  DeadLetter,
  DeliveredEvent,
  LocalEventBusOptions,
  Page,
  PendingDelivery,
  PutEventsResult,
  ReplayRequest,
  ReplayResult,
} from './types';

interface PreparedEvent {
  event: EventEnvelope;
  timeMs: number;
  json: string;
  targets: DeliveryTarget[];
}

/**
 * A durable, in-process event bus with EventBridge semantics: rule patterns, an archive keyed by event
 * id (re-publishing an id is a no-op), at-least-once delivery with retries and backoff, a dead-letter
 * store, and replay. One instance owns a (database, name) pair: two live instances of the same bus
 * name would deliver twice.
 */
export class LocalEventBus {
  readonly name: string;
  private readonly db: Database;
  private readonly options: ResolvedBusOptions;
  private readonly rules = new RuleRegistry();
  private readonly archive: ArchiveStore;
  private readonly deliveries: DeliveryStore;
  private readonly dispatcher: Dispatcher;
  private readonly listeners = new Set<(event: EventEnvelope) => void>();

  constructor(options: LocalEventBusOptions) {
    this.options = resolveBusOptions(options);
    this.name = this.options.name;
    this.db = options.db;
    applyMigrations(this.db, busMigrations);
    this.archive = new ArchiveStore(this.db, this.name);
    this.deliveries = new DeliveryStore(this.db, this.name);
    this.dispatcher = new Dispatcher(this.deliveries, this.options, (ruleName, targetId) =>
      this.rules.target(ruleName, targetId),
    );
  }

  /** Registers a rule before start(); pending deliveries of rules no longer registered are dead-lettered. */
  addRule(rule: BusRule): void {
    if (this.dispatcher.isRunning) {
      throw new BusConfigurationError(
        `add rule '${rule.name}' before start(): rules are fixed while running`,
      );
    }
    this.rules.add(rule);
  }

  /**
   * Validates every envelope (a single invalid one rejects the whole batch, nothing written), then in
   * one transaction archives each new event and persists one delivery per matching (rule, target).
   * Deliveries only run while the bus is started; before that they wait in the database.
   */
  async putEvents(events: readonly EventEnvelope[]): Promise<PutEventsResult> {
    const prepared = this.prepare(events);
    const now = this.options.clock.now();
    const accepted: EventEnvelope[] = [];
    this.db.transaction(() => {
      for (const item of prepared) {
        const seq = this.archive.archive(item.event.id, item.timeMs, item.json, now);
        if (seq === undefined) continue;
        this.deliveries.enqueue(seq, item.targets, null, now);
        accepted.push(item.event);
      }
    })();
    this.notify(accepted);
    if (accepted.length > 0) this.dispatcher.requestPump();
    return { accepted: accepted.length, duplicates: prepared.length - accepted.length };
  }

  /** Releases attempts a previous process left unfinished, then delivers what is due and arms the timer. */
  start(): void {
    this.dispatcher.start();
  }

  /** Stops dispatching and waits for in-flight attempts (each bounded by deliveryTimeoutMs) to be recorded. */
  stop(): Promise<void> {
    return this.dispatcher.stop();
  }

  /**
   * Resolves once no delivery is due (next attempt at or before clock.now()) and none is in flight.
   * It dispatches due deliveries itself, so after advancing an injected clock `await drain()` runs
   * whatever became due. Retries scheduled for later do not hold it up; a retry that becomes due
   * while it waits does. On a bus that is not started it only waits for in-flight attempts.
   */
  drain(): Promise<void> {
    return this.dispatcher.drain();
  }

  listPendingDeliveries(options: { limit: number; cursor?: string }): Page<PendingDelivery> {
    assertLimit(options.limit);
    const [afterId = 0] = options.cursor === undefined ? [] : decodeCursor('delivery', options.cursor, 1);
    const rows = this.deliveries.listPending(afterId, options.limit);
    const items = rows.map((row) => ({
      id: String(row.id),
      ruleName: row.ruleName,
      targetId: row.targetId,
      eventId: row.eventId,
      attempts: row.attempts,
      nextAttemptAt: toIso(row.nextAttemptAtMs),
      ...(row.lastError === null ? {} : { lastError: row.lastError }),
      inFlight: row.claimedAtMs !== null,
    }));
    return page(items, options.limit, () => encodeCursor('delivery', [rows.at(-1)?.id ?? afterId]));
  }

  listDeadLetters(options: { limit: number; cursor?: string }): Page<DeadLetter> {
    assertLimit(options.limit);
    const [afterId = 0] = options.cursor === undefined ? [] : decodeCursor('dead-letter', options.cursor, 1);
    const rows = this.deliveries.listDeadLetters(afterId, options.limit);
    const items = rows.map((row) => {
      const event = JSON.parse(row.eventJson) as DeliveredEvent;
      if (row.replayName !== null) event['replay-name'] = row.replayName;
      return {
        id: String(row.id),
        ruleName: row.ruleName,
        targetId: row.targetId,
        eventId: row.eventId,
        attempts: row.attempts,
        lastError: row.lastError,
        failedAt: toIso(row.failedAtMs),
        event,
      };
    });
    return page(items, options.limit, () => encodeCursor('dead-letter', [rows.at(-1)?.id ?? afterId]));
  }

  /** Moves a dead letter back to the pending deliveries with attempts reset; false if no such id. */
  redriveDeadLetter(id: string): boolean {
    if (!/^\d+$/.test(id)) return false;
    const moved = this.deliveries.redrive(Number(id), this.options.clock.now());
    if (moved) this.dispatcher.requestPump();
    return moved;
  }

  redriveAllDeadLetters(): number {
    const moved = this.deliveries.redriveAll(this.options.clock.now());
    if (moved > 0) this.dispatcher.requestPump();
    return moved;
  }

  countDeadLetters(): number {
    return this.deliveries.countDeadLetters();
  }

  /** Archived events ordered by `time` (then arrival); `from` inclusive, `to` exclusive. */
  listArchivedEvents(options: {
    from?: string;
    to?: string;
    limit: number;
    cursor?: string;
  }): Page<ArchivedEvent> {
    assertLimit(options.limit);
    const range = {
      fromMs: options.from === undefined ? Number.MIN_SAFE_INTEGER : requireTimestampMs(options.from, 'from'),
      toMs: options.to === undefined ? Number.MAX_SAFE_INTEGER : requireTimestampMs(options.to, 'to'),
    };
    let after: [number, number] | undefined;
    if (options.cursor !== undefined) {
      const [timeMs = 0, seq = 0] = decodeCursor('archive', options.cursor, 2);
      after = [timeMs, seq];
    }
    const rows = this.archive.page(range, after, options.limit);
    const items = rows.map((row) => ({
      event: JSON.parse(row.eventJson) as EventEnvelope,
      archivedAt: toIso(row.archivedAtMs),
    }));
    const last = rows.at(-1);
    return page(items, options.limit, () =>
      encodeCursor('archive', last ? [last.eventTimeMs, last.seq] : []),
    );
  }

  /**
   * Re-sends archived events with `time` in [from, to) to the current rules (or the named ones), each
   * stamped with `replay-name`. The deliveries are persisted before this resolves and run like any other.
   */
  async replay(request: ReplayRequest): Promise<ReplayResult> {
    if (typeof request.name !== 'string' || request.name.length === 0) {
      throw new BusConfigurationError('a replay needs a non-empty name');
    }
    const fromMs = requireTimestampMs(request.from, 'from');
    const toMs = requireTimestampMs(request.to, 'to');
    if (fromMs >= toMs)
      throw new RangeError(`replay 'from' (${request.from}) must be before 'to' (${request.to})`);
    const rules = this.rules.select(request.ruleNames);
    const now = this.options.clock.now();
    this.archive.startReplay({ name: request.name, fromMs, toMs, ruleNames: request.ruleNames }, now);
    const stores = { archive: this.archive, deliveries: this.deliveries };
    const result = replayArchive(this.db, stores, { name: request.name, fromMs, toMs, rules }, now);
    if (result.deliveries > 0) this.dispatcher.requestPump();
    return result;
  }

  /** A live tail of accepted events (duplicates and replays excluded); returns the unsubscribe function. */
  subscribe(listener: (event: EventEnvelope) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  stats(): BusStats {
    return {
      pendingDeliveries: this.deliveries.countPending(),
      inFlightDeliveries: this.dispatcher.inFlightCount,
      deadLetters: this.deliveries.countDeadLetters(),
      archivedEvents: this.archive.count(),
    };
  }

  private prepare(events: readonly EventEnvelope[]): PreparedEvent[] {
    if (!Array.isArray(events)) throw new InvalidEventError([{ index: -1, message: 'expected an array' }]);
    const rules = this.rules.select();
    const issues: Array<{ index: number; message: string }> = [];
    const prepared: PreparedEvent[] = [];
    events.forEach((raw, index) => {
      const parsed = eventEnvelopeSchema.safeParse(raw);
      if (!parsed.success) {
        const message = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
        issues.push({ index, message: message.join(', ') });
        return;
      }
      const timeMs = parseTimestampMs(parsed.data.time);
      if (timeMs === undefined) {
        issues.push({ index, message: `time: '${parsed.data.time}' is not an RFC 3339 timestamp` });
        return;
      }
      const json = toJson(parsed.data);
      if (json === undefined) {
        issues.push({ index, message: 'detail: not JSON-serializable' });
        return;
      }
      // Match the JSON form, exactly what the archive keeps and what targets and replays will see.
      const event = JSON.parse(json) as EventEnvelope;
      prepared.push({ event, timeMs, json, targets: RuleRegistry.targetsMatching(rules, event) });
    });
    if (issues.length > 0) throw new InvalidEventError(issues);
    return prepared;
  }

  private notify(events: readonly EventEnvelope[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (error) {
          this.options.onError({ kind: 'listener-failed', eventId: event.id, error });
        }
      }
    }
  }
}

function page<T>(items: T[], limit: number, cursor: () => string): Page<T> {
  // A full page may be followed by more; an extra empty page is cheaper than a second count query.
  return items.length === limit ? { items, nextCursor: cursor() } : { items };
}

function toJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    // BigInt values and cycles cannot travel as JSON; the caller reports the event as invalid.
    return undefined;
  }
}
