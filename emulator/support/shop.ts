import { randomUUID } from 'node:crypto';
import type { Order } from '@meridian/domain';
import { type LedgerRowJson, ledgerFor } from '@meridian/local/payment-simulator/test-kit';
import type { ApiResponse } from './api-gateway';
import type { EmulatedRegion } from './emulated-region';
import { EMULATED_REGION } from './synthesize-region';

export interface Stock {
  available: number;
  reserved: number;
  sold: number;
}

/** A valid order body for one SKU; override anything. */
export function orderBody(
  overrides: { sku?: string; quantity?: number; paymentMethod?: string; country?: string } = {},
) {
  return {
    items: [{ sku: overrides.sku ?? 'MUG-001', quantity: overrides.quantity ?? 1 }],
    paymentMethod: overrides.paymentMethod ?? 'pm_card_visa',
    shippingAddress: {
      name: 'Alice Rivera',
      line1: '1 Market Street',
      city: 'San Francisco',
      postalCode: '94105',
      country: overrides.country ?? 'US',
    },
  };
}

/** Polls `probe` until it returns a value other than undefined, or throws after timeoutMs. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 20_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A shopper's and an operator's view of the emulated region, through its HTTP API. */
export class Shop {
  constructor(
    private readonly region: EmulatedRegion,
    readonly customer: string,
    readonly admin: string,
  ) {}

  static async open(region: EmulatedRegion): Promise<Shop> {
    const [customer, admin] = await Promise.all([
      region.users.token('alice'),
      region.users.token('operator', { admin: true }),
    ]);
    return new Shop(region, customer, admin);
  }

  /** A new product with `quantity` units, all in the emulated region (a restock's peer share would be a transfer). */
  async addProduct(sku: string, quantity: number, priceMinor = 2500): Promise<void> {
    const created = await this.region.api.request('POST', '/api/v1/admin/products', {
      token: this.admin,
      json: { sku, name: `Product ${sku}`, priceMinor, currency: 'USD' },
    });
    if (created.status !== 201)
      throw new Error(`create ${sku}: ${created.status} ${JSON.stringify(created.body)}`);
    await this.restock(sku, quantity);
  }

  async restock(sku: string, quantity: number, key: string = randomUUID()): Promise<void> {
    const restocked = await this.region.api.request('POST', `/api/v1/admin/products/${sku}/restock`, {
      token: this.admin,
      headers: { 'idempotency-key': key },
      json: { quantity, split: [{ region: EMULATED_REGION, quantity }] },
    });
    if (restocked.status !== 200)
      throw new Error(`restock ${sku}: ${restocked.status} ${JSON.stringify(restocked.body)}`);
  }

  place(body: ReturnType<typeof orderBody>, key: string = randomUUID()): Promise<ApiResponse<Order>> {
    return this.region.api.request<Order>('POST', '/api/v1/orders', {
      token: this.customer,
      headers: { 'idempotency-key': key },
      json: body,
    });
  }

  async order(orderId: string): Promise<Order> {
    const response = await this.region.api.request<Order>('GET', `/api/v1/orders/${orderId}`, {
      token: this.admin,
    });
    if (response.status !== 200) throw new Error(`GET order ${orderId}: ${response.status}`);
    return response.body;
  }

  cancel(orderId: string): Promise<ApiResponse<Order>> {
    return this.region.api.request<Order>('POST', `/api/v1/orders/${orderId}/cancel`, {
      token: this.customer,
    });
  }

  /** Polls until the order satisfies `condition`. */
  waitFor(orderId: string, condition: (order: Order) => boolean, timeoutMs = 20_000): Promise<Order> {
    return waitFor(
      async () => {
        const order = await this.order(orderId);
        return condition(order) ? order : undefined;
      },
      { timeoutMs, intervalMs: 20, what: `order ${orderId} to reach a condition` },
    );
  }

  /** Polls until the order is CONFIRMED, FAILED or CANCELLED (and a requested cancellation has finished). */
  async waitForTerminal(orderId: string, timeoutMs = 30_000): Promise<Order> {
    let last: Order | undefined;
    try {
      return await waitFor(
        async () => {
          last = await this.order(orderId);
          const cancelling = last.status === 'CONFIRMED' && last.cancelRequested;
          return ['CONFIRMED', 'FAILED', 'CANCELLED'].includes(last.status) && !cancelling ? last : undefined;
        },
        { timeoutMs, intervalMs: 300, what: `order ${orderId} to finish` },
      );
    } catch (error) {
      const timeline = last?.timeline.map((entry) => entry.type).join(' → ');
      throw new Error(
        `${String(error)}; last seen ${last?.status}: ${timeline}; ${await this.history(orderId)}`,
      );
    }
  }

  /** The saga execution's failures and its last events, to tell why an order did not finish. */
  private async history(orderId: string): Promise<string> {
    const response = await this.region.api.request<{
      items: Array<{ type: string; state?: string; error?: string; cause?: string }>;
    }>('GET', `/api/v1/admin/executions/${orderId}/history`, { token: this.admin });
    if (response.status !== 200) return `no execution history (${response.status})`;
    const events = response.body.items;
    const failures = events
      .filter((event) => event.error)
      .map((e) => `${e.state}: ${e.error} ${e.cause ?? ''}`);
    const tail = events.slice(-4).map((event) => `${event.type}${event.state ? ` ${event.state}` : ''}`);
    return `failures [${failures.join(' | ').slice(0, 1500)}], last events [${tail.join(', ')}]`;
  }

  async stockOf(sku: string): Promise<Stock> {
    const response = await this.region.api.request<{ stock: Stock }>('GET', `/api/v1/products/${sku}`);
    if (response.status !== 200) throw new Error(`GET product ${sku}: ${response.status}`);
    const { available, reserved, sold } = response.body.stock;
    return { available, reserved, sold };
  }

  /** The customer's notifications about an order. */
  async notificationsOf(
    orderId: string,
  ): Promise<Array<{ notificationId: string; eventType: string; body: string }>> {
    const response = await this.region.api.request<{
      items: Array<{ orderId: string; notificationId: string; eventType: string; body: string }>;
    }>('GET', '/api/v1/notifications?limit=100', { token: this.customer });
    return response.body.items.filter((notification) => notification.orderId === orderId);
  }

  ledger(orderId: string): Promise<LedgerRowJson[]> {
    return ledgerFor(this.region.payments.url, orderId, this.providerKey());
  }

  /** What the customer is out of at the provider: captures minus refunds, and authorizations still holding funds. */
  async exposure(orderId: string): Promise<{ charged: number; held: number }> {
    const ledger = await this.ledger(orderId);
    const sum = (type: string) =>
      ledger.filter((entry) => entry.type === type).reduce((total, e) => total + e.amount, 0);
    const settled = new Set(
      ledger
        .filter((entry) => entry.type === 'void' || entry.type === 'capture')
        .map((e) => e.authorization_id),
    );
    return {
      charged: sum('capture') - sum('refund'),
      held: ledger.filter((entry) => entry.type === 'authorization' && !settled.has(entry.id)).length,
    };
  }

  async setProviderChaos(chaos: { latencyMs?: number; errorRate?: number }): Promise<void> {
    const response = await fetch(`${this.region.payments.url}/v1/chaos`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.providerKey()}` },
      body: JSON.stringify(chaos),
    });
    if (!response.ok) throw new Error(`chaos: ${response.status}`);
  }

  /** The provider's API key (the one in the deployed secret): every /v1 route of the simulator needs it. */
  private providerKey(): string {
    const { apiKey } = this.region.payments;
    if (apiKey === undefined) throw new Error('the payment simulator was started without an API key');
    return apiKey;
  }
}
