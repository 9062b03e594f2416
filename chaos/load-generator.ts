import { setMaxListeners } from 'node:events';
import * as z from 'zod';
import { errorMessage, postJson } from './http';
import type { OrderMix, OrderSpec } from './order-mix';
import { sleep } from './progress';

/** One acknowledged order: what the client sent and what the front door answered (202). */
export interface AcknowledgedOrder {
  key: string;
  customer: string;
  orderId: string;
  answeredBy: string;
  paymentMethod: string;
  items: Array<{ sku: string; quantity: number }>;
  firstAttemptAt: number;
  ackAt: number;
  attempts: number;
  replayed: boolean;
}

/** One POST attempt, kept per key so a duplicate or a loss can be explained afterwards. */
export interface Attempt {
  at: number;
  outcome: string;
  region?: string;
}

export interface UnfinishedOrder {
  key: string;
  customer: string;
  attempts: Attempt[];
  /** Why the client gave up: the run ended, or the platform refused the order for good (4xx). */
  reason: 'run-ended' | 'rejected';
}

export interface LoadOptions {
  frontDoor: string;
  tokens: Record<string, string>;
  clients: number;
  ordersPerSecond: number;
  mix: OrderMix;
}

const acceptedSchema = z.object({ orderId: z.string(), region: z.string() });
/** Statuses worth retrying with the same key: the platform may answer differently a moment later. */
export const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

/**
 * Steady order load through the front door: a fixed number of clients sharing one pacer (the rate
 * bound), each placing one order at a time and retrying a failed POST with the SAME Idempotency-Key,
 * with a short backoff, until it gets 202 or the run ends.
 */
export class LoadGenerator {
  readonly acknowledged: AcknowledgedOrder[] = [];
  readonly unfinished: UnfinishedOrder[] = [];
  readonly attemptsByKey = new Map<string, Attempt[]>();
  /** Failed attempts by outcome ("502", "503", "network: …"), for the report. */
  readonly failures = new Map<string, number>();
  private readonly issuing = new AbortController();
  private readonly hardStop = new AbortController();
  private nextSlot = 0;
  private inFlight = 0;
  private clients: Promise<void>[] = [];
  attemptsTotal = 0;

  constructor(private readonly options: LoadOptions) {
    // Every client waits on these two signals at once: that is many listeners by design, not a leak.
    setMaxListeners(options.clients + 10, this.issuing.signal, this.hardStop.signal);
  }

  start(): void {
    this.clients = Array.from({ length: this.options.clients }, (_, index) => this.client(index));
  }

  /** Orders begun but not acknowledged yet (clients retrying). */
  pending(): number {
    return this.inFlight;
  }

  /** Stops starting new orders; clients keep retrying the ones they have begun until `drainMs` passes. */
  async stop(drainMs: number): Promise<void> {
    this.issuing.abort();
    const timer = setTimeout(() => this.hardStop.abort(), drainMs);
    await Promise.all(this.clients);
    clearTimeout(timer);
  }

  private async takeSlot(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.options.ordersPerSecond;
    await sleep(slot - now, this.issuing.signal);
  }

  private async client(index: number): Promise<void> {
    while (!this.issuing.signal.aborted) {
      await this.takeSlot();
      if (this.issuing.signal.aborted) return;
      this.inFlight++;
      try {
        await this.place(this.options.mix.next(index));
      } finally {
        this.inFlight--;
      }
    }
  }

  private async place(spec: OrderSpec): Promise<void> {
    const attempts: Attempt[] = [];
    this.attemptsByKey.set(spec.key, attempts);
    const firstAttemptAt = Date.now();
    let backoffMs = 100;
    while (!this.hardStop.signal.aborted) {
      this.attemptsTotal++;
      const at = Date.now();
      let outcome: string;
      let region: string | undefined;
      try {
        const response = await postJson(`${this.options.frontDoor}/api/v1/orders`, spec.body, {
          token: this.options.tokens[spec.customer],
          headers: { 'idempotency-key': spec.key },
          timeoutMs: 5000,
        });
        region = response.headers.get('x-meridian-region') ?? undefined;
        outcome = String(response.status);
        if (response.status === 202) {
          const accepted = acceptedSchema.parse(JSON.parse(response.text));
          attempts.push({ at, outcome, region: accepted.region });
          const order: AcknowledgedOrder = {
            key: spec.key,
            customer: spec.customer,
            orderId: accepted.orderId,
            answeredBy: region ?? 'unknown',
            paymentMethod: spec.body.paymentMethod,
            items: spec.body.items,
            firstAttemptAt,
            ackAt: Date.now(),
            attempts: attempts.length,
            replayed: response.headers.get('idempotent-replayed') === 'true',
          };
          this.acknowledged.push(order);
          return;
        }
        if (response.status < 500 && !RETRYABLE_4XX.has(response.status)) {
          attempts.push({
            at,
            outcome: `${outcome} ${response.text.slice(0, 200)}`,
            ...(region ? { region } : {}),
          });
          this.count(outcome);
          this.unfinished.push({ key: spec.key, customer: spec.customer, attempts, reason: 'rejected' });
          return;
        }
      } catch (error) {
        outcome = `network: ${errorMessage(error).slice(0, 120)}`;
      }
      attempts.push({ at, outcome, ...(region ? { region } : {}) });
      this.count(outcome);
      await sleep(backoffMs + Math.floor(Math.random() * 50), this.hardStop.signal);
      backoffMs = Math.min(backoffMs * 2, 1000);
    }
    this.unfinished.push({ key: spec.key, customer: spec.customer, attempts, reason: 'run-ended' });
  }

  private count(outcome: string): void {
    const kind = outcome.startsWith('network') ? outcome.replace(/\d+/g, 'N') : outcome;
    this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1);
  }
}
