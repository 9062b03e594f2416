import type { EventEnvelope } from '@meridian/contracts';
import type { Database } from 'better-sqlite3';
import { applyMigrations } from '../sqlite/migrations';
import { ArchiveStore } from './archive-store';
import { listArchivedEvents, listDeadLetters, listPendingDeliveries } from './bus-inspection';
import { type ResolvedBusOptions, resolveBusOptions } from './bus-options';
import { DeliveryStore } from './delivery-store';
import { Dispatcher } from './dispatcher';
import { BusConfigurationError } from './errors';
import { prepareEvents } from './prepare-events';
import { replayArchive } from './replay';
import { RuleRegistry } from './rule-registry';
import { busMigrations } from './schema';
import { requireTimestampMs } from './timestamps';
import type {
  ArchivedEvent,
  BusRule,
  BusStats,
  DeadLetter,
  LocalEventBusOptions,
  Page,
  PendingDelivery,
  PutEventsResult,
  ReplayRequest,
  ReplayResult,
} from './types';

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
    const prepared = prepareEvents(events, this.rules.select());
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
    return listPendingDeliveries(this.deliveries, options);
  }

  listDeadLetters(options: { limit: number; cursor?: string }): Page<DeadLetter> {
    return listDeadLetters(this.deliveries, options);
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
    return listArchivedEvents(this.archive, options);
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
    return { ...this.deliveryCounts(), archivedEvents: this.archive.count() };
  }

  /**
   * What waits to be delivered and what was given up on: the health check's share of `stats()`, without
   * counting the archive, which grows with every event and would make each probe slower than the last.
   */
  deliveryCounts(): Omit<BusStats, 'archivedEvents'> {
    return {
      pendingDeliveries: this.deliveries.countPending(),
      inFlightDeliveries: this.dispatcher.inFlightCount,
      deadLetters: this.deliveries.countDeadLetters(),
    };
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
