import { backoffDelayMs } from './backoff';
import type { ResolvedBusOptions } from './bus-options';
import type { ClaimedDelivery, DeliveryOutcome, DeliveryStore } from './delivery-store';
import { BusConfigurationError } from './errors';
import { toIso } from './timestamps';
import type { BusTarget, DeliveredEvent } from './types';

type AttemptResult = { ok: true } | { ok: false; error: unknown; retryable: boolean };

/** Node clamps longer timeouts to 1 ms, which would turn a far-away retry into a hot loop. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
const MAX_ERROR_LENGTH = 4000;

/**
 * Runs due deliveries with a concurrency limit. Claims, acknowledgements and retries are written in
 * batches (one transaction per pump and one per group of settled attempts). One timer, armed for the
 * earliest delivery not yet due, wakes it up: there is no polling.
 */
export class Dispatcher {
  private running = false;
  /** Claimed by this instance until the attempt's outcome is committed. */
  private readonly inFlight = new Map<number, Promise<void>>();
  private settled: Array<{ delivery: ClaimedDelivery; result: AttemptResult }> = [];
  private flushQueued = false;
  private pumpQueued = false;
  private timer: { handle: unknown; atMs: number } | undefined;
  private flushWaiters: Array<() => void> = [];

  constructor(
    private readonly store: DeliveryStore,
    private readonly options: ResolvedBusOptions,
    private readonly resolveTarget: (ruleName: string, targetId: string) => BusTarget | undefined,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  start(): void {
    if (this.running) return;
    if (this.inFlight.size > 0) {
      throw new BusConfigurationError('the bus is still stopping; await stop() before start()');
    }
    this.running = true;
    this.store.releaseClaims();
    this.pump();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer();
    while (this.inFlight.size > 0) {
      await Promise.all(this.inFlight.values());
      this.flush();
    }
  }

  /** Coalesces the wake-ups of one synchronous burst (a putEvents batch, a redrive) into one pump. */
  requestPump(): void {
    if (!this.running || this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** See LocalEventBus.drain. */
  async drain(): Promise<void> {
    for (;;) {
      this.pump();
      if (this.inFlight.size === 0) return;
      await new Promise<void>((resolve) => this.flushWaiters.push(resolve));
    }
  }

  private pump(): void {
    if (!this.running) return;
    const free = this.options.concurrency - this.inFlight.size;
    // When every slot is busy, the next settled attempt pumps again.
    if (free <= 0) return;
    try {
      const due = this.store.claimDue(this.options.clock.now(), free);
      for (const delivery of due) this.begin(delivery);
      if (due.length < free) this.arm(this.store.nextDueAtMs());
    } catch (error) {
      this.options.onError({ kind: 'dispatch-failed', error });
      // A locked or failing database must not stall delivery forever: try again later.
      this.arm(this.options.clock.now() + this.options.retry.maxDelayMs);
    }
  }

  private begin(delivery: ClaimedDelivery): void {
    const target = this.resolveTarget(delivery.ruleName, delivery.targetId);
    const attempt: Promise<AttemptResult> =
      target === undefined
        ? Promise.resolve({
            ok: false,
            retryable: false,
            error: new Error(
              `no target '${delivery.targetId}' on rule '${delivery.ruleName}' is registered on bus '${this.options.name}'`,
            ),
          })
        : this.invoke(target, delivery);
    const done = attempt.then((result) => {
      this.settled.push({ delivery, result });
      this.queueFlush();
    });
    this.inFlight.set(delivery.id, done);
  }

  private invoke(target: BusTarget, delivery: ClaimedDelivery): Promise<AttemptResult> {
    const { timers, deliveryTimeoutMs } = this.options;
    return new Promise<AttemptResult>((resolve) => {
      let finished = false;
      const finish = (result: AttemptResult): void => {
        if (finished) return;
        finished = true;
        timers.clearTimeout(timeout);
        resolve(result);
      };
      const timeout = timers.setTimeout(() => {
        const message = `target '${target.id}' of rule '${delivery.ruleName}' timed out after ${deliveryTimeoutMs} ms`;
        finish({ ok: false, retryable: true, error: new Error(message) });
      }, deliveryTimeoutMs);
      try {
        // A fresh parse per attempt: a target mutating its event cannot affect another target or a retry.
        const event = JSON.parse(delivery.eventJson) as DeliveredEvent;
        if (delivery.replayName !== null) event['replay-name'] = delivery.replayName;
        // Promise.resolve: a plain-JavaScript target returning nothing still counts as a success.
        Promise.resolve(target.invoke(event)).then(
          () => finish({ ok: true }),
          (error: unknown) => finish({ ok: false, retryable: true, error }),
        );
      } catch (error) {
        finish({ ok: false, retryable: true, error });
      }
    });
  }

  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  /** Commits every settled attempt in one transaction, frees their slots and pumps again. */
  private flush(): void {
    this.flushQueued = false;
    const batch = this.settled;
    if (batch.length === 0) return;
    this.settled = [];
    const now = this.options.clock.now();
    const outcomes = batch.map(({ delivery, result }) => this.outcomeOf(delivery, result, now));
    try {
      this.store.record(outcomes, now);
    } catch (error) {
      // The claims stay in the database; the next start() releases them and the attempts run again.
      this.options.onError({ kind: 'dispatch-failed', error });
    }
    batch.forEach(({ delivery, result }, index) => {
      this.inFlight.delete(delivery.id);
      const outcome = outcomes[index];
      if (!result.ok && outcome !== undefined && outcome.kind !== 'delivered') {
        this.options.onError({
          kind: 'delivery-failed',
          deliveryId: String(delivery.id),
          eventId: delivery.eventId,
          ruleName: delivery.ruleName,
          targetId: delivery.targetId,
          attempts: outcome.attempts,
          error: result.error,
          ...(outcome.kind === 'retry' ? { nextAttemptAt: toIso(outcome.nextAttemptAtMs) } : {}),
          deadLettered: outcome.kind === 'dead-letter',
        });
      }
    });
    this.pump();
    for (const resolve of this.flushWaiters.splice(0)) resolve();
  }

  private outcomeOf(delivery: ClaimedDelivery, result: AttemptResult, now: number): DeliveryOutcome {
    if (result.ok) return { id: delivery.id, kind: 'delivered' };
    const error = errorMessage(result.error);
    // An attempt that never reached a target (it is not registered) does not count as one.
    if (!result.retryable)
      return { id: delivery.id, kind: 'dead-letter', attempts: delivery.attempts, error };
    const attempts = delivery.attempts + 1;
    if (attempts >= this.options.retry.maxAttempts) {
      return { id: delivery.id, kind: 'dead-letter', attempts, error };
    }
    const delay = backoffDelayMs(attempts, this.options.retry, this.options.random);
    return { id: delivery.id, kind: 'retry', attempts, nextAttemptAtMs: now + delay, error };
  }

  private arm(atMs: number | undefined): void {
    if (atMs === undefined) {
      this.clearTimer();
      return;
    }
    if (this.timer !== undefined && this.timer.atMs <= atMs) return;
    this.clearTimer();
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, atMs - this.options.clock.now()));
    const handle = this.options.timers.setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, delay);
    this.timer = { handle, atMs };
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    this.options.timers.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }
}

function errorMessage(error: unknown): string {
  const message =
    error instanceof Error
      ? error.message || error.name
      : typeof error === 'string'
        ? error
        : (JSON.stringify(error) ?? String(error));
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message;
}
