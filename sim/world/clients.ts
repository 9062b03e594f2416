import { sleep } from '@meridian/adapters-node';
import { regionKeyHeaders } from '@meridian/local/auth/region-key';
import type { Prng } from '../kernel/prng';
import type { ProcessRuntime } from '../kernel/process-runtime';
import type { Trace } from '../kernel/trace';
import { type SimAnswer, type SimNetwork, simUrl } from '../network/network';
import { CLIENT_ADDRESS_HEADER, FRONT_DOOR } from './front-door-process';
import { adminToken, customerToken } from './identity';
import type { AdminIntent, OrderIntent, Workload } from './workload';

/** An order a client was told about (202 or a replay): it must never be lost. */
export interface Acknowledgement {
  key: string;
  customerId: string;
  orderId: string;
  answeredBy: string;
  at: number;
}

/** Retryable answers: the platform asked to try again, or nobody answered. */
const RETRY_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504]);
const CLIENT_TIMEOUT_MS = 10_000;
const MAX_ATTEMPTS = 12;

/**
 * The customers and the operator: they place orders through the front door (sometimes straight at a
 * region, and now and then the same key at two regions), retry with the same key when no answer comes,
 * cancel, ship, restock and move stock, as people with a browser and a console would.
 */
export class Clients {
  readonly acknowledged: Acknowledgement[] = [];
  /** Keys whose order was refused for good (a 4xx that is not a retry request): should not happen. */
  readonly refused: Array<{ key: string; status: number; text: string }> = [];
  readonly gaveUp: string[] = [];
  /** Restocked units the platform acknowledged, per SKU, and those asked for at all (acknowledged or not). */
  readonly restocked = new Map<string, number>();
  readonly restockAsked = new Map<string, number>();
  private active = 0;

  constructor(
    private readonly options: {
      runtime: ProcessRuntime;
      network: SimNetwork;
      prng: Prng;
      trace: Trace;
      elapsed: () => number;
      regions: readonly string[];
      homeRegionRouting: boolean;
      /** The regions' key, which the operator's stock transfer (an /internal route) presents. */
      regionKey: string;
    },
  ) {}

  /** Flows still running (an order not yet answered, a retry waiting). */
  get busy(): number {
    return this.active;
  }

  schedule(workload: Workload, schedule: (atMs: number, run: () => void) => void): void {
    const homes = new Map(workload.customers.map((customer) => [customer.id, customer.home]));
    for (const intent of workload.orders)
      schedule(intent.at, () => this.track(this.placeOrder(intent, homes.get(intent.customerId) ?? '')));
    for (const intent of workload.admin) schedule(intent.at, () => this.track(this.admin(intent)));
  }

  private track(flow: Promise<void>): void {
    this.active++;
    flow
      .catch((error: unknown) => this.log(`client flow failed: ${String(error)}`))
      .finally(() => this.active--);
  }

  private async placeOrder(intent: OrderIntent, home: string): Promise<void> {
    // Each order's own stream: a run with fewer orders keeps the others' choices.
    const chance = this.options.prng.fork(intent.key);
    const body = JSON.stringify({
      items: intent.items,
      paymentMethod: intent.paymentMethod,
      shippingAddress: {
        name: intent.customerId,
        line1: '1 Main St',
        city: 'Springfield',
        postalCode: '12345',
        country: intent.country,
      },
    });
    const headers = {
      authorization: `Bearer ${customerToken(intent.customerId)}`,
      [CLIENT_ADDRESS_HEADER]: addressOf(intent.customerId),
      'content-type': 'application/json',
      'idempotency-key': intent.key,
      ...(this.options.homeRegionRouting ? { 'x-meridian-home-region': home } : {}),
    };
    if (intent.twinAfterMs !== undefined) {
      // The same request straight at another region, as a client that gave up on the first would.
      const twin = chance.pick(this.options.regions);
      const delay = intent.twinAfterMs;
      this.track(
        (async () => {
          await sleep(this.options.runtime.timers, delay);
          await this.send(intent, body, headers, simUrl(twin), 1);
        })(),
      );
    }
    let backoffMs = 1_000;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // A retry sometimes goes straight to a region instead of through the front door.
      const elsewhere = attempt > 1 && intent.twinAfterMs !== undefined && chance.chance(0.3);
      const base = elsewhere ? simUrl(chance.pick(this.options.regions)) : simUrl(FRONT_DOOR);
      const outcome = await this.send(intent, body, headers, base, attempt);
      if (outcome === 'done') return;
      // Over the front door's rate: not before it says (Retry-After), as a well-behaved client.
      const notBeforeMs = outcome === 'retry' ? 0 : outcome.retryAfterMs;
      await sleep(this.options.runtime.timers, Math.max(notBeforeMs, chance.between(0.5, 1) * backoffMs));
      backoffMs = Math.min(backoffMs * 2, 60_000);
    }
    this.gaveUp.push(intent.key);
    this.log(`${intent.key}: gave up after ${MAX_ATTEMPTS} attempts`);
  }

  /** One attempt; 'done' when the order was acknowledged or refused for good. */
  private async send(
    intent: OrderIntent,
    body: string,
    headers: Record<string, string>,
    base: string,
    attempt: number,
  ): Promise<'done' | 'retry' | { retryAfterMs: number }> {
    const answer = await this.call('POST', `${base}/api/v1/orders`, headers, body);
    if (answer && (answer.status === 202 || answer.status === 200)) {
      const order = JSON.parse(answer.text) as { orderId: string };
      const answeredBy = answer.headers.get('x-meridian-region') ?? 'unknown';
      this.acknowledged.push({
        key: intent.key,
        customerId: intent.customerId,
        orderId: order.orderId,
        answeredBy,
        at: this.options.elapsed(),
      });
      this.log(`${intent.key} attempt ${attempt}: ${answer.status} ${order.orderId} from ${answeredBy}`);
      this.afterAcknowledged(intent, order.orderId);
      return 'done';
    }
    if (answer && !RETRY_STATUSES.has(answer.status)) {
      this.refused.push({ key: intent.key, status: answer.status, text: answer.text.slice(0, 200) });
      this.log(`${intent.key} attempt ${attempt}: refused ${answer.status}`);
      return 'done';
    }
    this.log(`${intent.key} attempt ${attempt}: ${answer ? answer.status : 'no answer'}`);
    const retryAfter = answer?.status === 429 ? Number(answer.headers.get('retry-after')) : Number.NaN;
    return Number.isFinite(retryAfter) ? { retryAfterMs: retryAfter * 1000 } : 'retry';
  }

  private afterAcknowledged(intent: OrderIntent, orderId: string): void {
    const acknowledgedBefore = this.acknowledged.filter((ack) => ack.key === intent.key).length > 1;
    if (acknowledgedBefore) return;
    const owner = /_([a-z0-9-]+)$/.exec(orderId)?.[1] ?? '';
    if (intent.cancelAfterMs !== undefined) {
      const delay = intent.cancelAfterMs;
      this.track(this.later(delay, () => this.cancel(intent, orderId, owner)));
    }
    if (intent.shipAfterMs !== undefined) {
      const delay = intent.shipAfterMs;
      this.track(this.later(delay, () => this.ship(orderId, owner)));
    }
  }

  private async later(delayMs: number, run: () => Promise<void>): Promise<void> {
    await sleep(this.options.runtime.timers, delayMs);
    await run();
  }

  private async cancel(intent: OrderIntent, orderId: string, owner: string): Promise<void> {
    const headers = {
      authorization: `Bearer ${customerToken(intent.customerId)}`,
      [CLIENT_ADDRESS_HEADER]: addressOf(intent.customerId),
      'content-type': 'application/json',
    };
    for (let attempt = 1; attempt <= 6; attempt++) {
      // Through the front door first; a region that is not the owner says so, and the owner is asked.
      const base = attempt === 1 ? simUrl(FRONT_DOOR) : simUrl(owner);
      const answer = await this.call('POST', `${base}/api/v1/orders/${orderId}/cancel`, headers, '{}');
      this.log(`cancel ${orderId} attempt ${attempt}: ${answer ? answer.status : 'no answer'}`);
      if (answer && (answer.status === 202 || answer.status === 200)) return;
      if (answer && answer.status === 409 && !answer.text.includes('owned by')) return;
      await sleep(this.options.runtime.timers, 2_000 * attempt);
    }
  }

  private async ship(orderId: string, owner: string): Promise<void> {
    const headers = { authorization: `Bearer ${adminToken()}`, 'content-type': 'application/json' };
    const read = await this.call('GET', `${simUrl(owner)}/api/v1/orders/${orderId}`, headers);
    if (read?.status !== 200) return;
    const order = JSON.parse(read.text) as { status: string; shipment?: { status: string } };
    if (order.status !== 'CONFIRMED' || order.shipment?.status !== 'CREATED') return;
    const answer = await this.call(
      'POST',
      `${simUrl(owner)}/api/v1/admin/orders/${orderId}/ship`,
      headers,
      '{}',
    );
    this.log(`ship ${orderId}: ${answer ? answer.status : 'no answer'}`);
  }

  private async admin(intent: AdminIntent): Promise<void> {
    if (intent.kind === 'restock')
      this.restockAsked.set(intent.sku, (this.restockAsked.get(intent.sku) ?? 0) + intent.quantity);
    const headers = {
      authorization: `Bearer ${adminToken()}`,
      [CLIENT_ADDRESS_HEADER]: addressOf('operator'),
      'content-type': 'application/json',
      'idempotency-key': intent.key,
    };
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const answer =
        intent.kind === 'restock'
          ? await this.call(
              'POST',
              `${simUrl(FRONT_DOOR)}/api/v1/admin/products/${intent.sku}/restock`,
              headers,
              JSON.stringify({ quantity: intent.quantity }),
            )
          : await this.call(
              'POST',
              `${simUrl(intent.from ?? '')}/internal/inventory/transfers`,
              { 'content-type': 'application/json', ...regionKeyHeaders(this.options.regionKey) },
              JSON.stringify({
                transferId: intent.key,
                sku: intent.sku,
                quantity: intent.quantity,
                toRegion: intent.to,
              }),
            );
      this.log(
        `${intent.kind} ${intent.key} ${intent.sku}×${intent.quantity} attempt ${attempt}: ${answer ? answer.status : 'no answer'}`,
      );
      if (answer && answer.status < 300) {
        if (intent.kind === 'restock')
          this.restocked.set(intent.sku, (this.restocked.get(intent.sku) ?? 0) + intent.quantity);
        return;
      }
      if (answer && !RETRY_STATUSES.has(answer.status)) return;
      await sleep(this.options.runtime.timers, 2_000 * attempt);
    }
  }

  private async call(
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<SimAnswer | undefined> {
    try {
      return await this.options.network.exchange(this.options.runtime.process, {
        method,
        url,
        headers,
        ...(body === undefined ? {} : { body }),
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
    } catch {
      return undefined;
    }
  }

  private log(text: string): void {
    this.options.trace.record(this.options.elapsed(), 'clients', text);
  }
}

/** The address a customer (or the operator) connects to the front door from. */
function addressOf(who: string): string {
  return `client-${who}`;
}
