import { notificationSchema, orderSchema, productSchema } from '@meridian/contracts';
import * as z from 'zod';
import { fetchAllPages, getJson, postJson } from './http';

export type OrderView = z.output<typeof orderSchema>;
export type ProductView = z.output<typeof productSchema>;
export type NotificationView = z.output<typeof notificationSchema>;

const internalStatusSchema = z.object({
  region: z.string(),
  link: z.string(),
  replication: z.object({
    peers: z.array(
      z.object({
        peer: z.string(),
        connected: z.boolean(),
        cursors: z.object({ changes: z.number(), events: z.number() }),
      }),
    ),
    conflicts: z.number(),
  }),
  outbox: z.object({ unpublished: z.number() }),
  bus: z.object({ pendingDeliveries: z.number(), deadLetters: z.number() }),
  executions: z.record(z.string(), z.number()).optional(),
  /** What the region's closed orders still owe (its settlement sweep retries it). */
  settlement: z.object({ owed: z.number(), oldestAgeMs: z.number().nullable() }).optional(),
  /** Keys this region and another both accepted that it has not decided yet. */
  duplicates: z.object({ open: z.number() }).optional(),
  reconciliation: z.object({ watching: z.number(), fixedTotal: z.number() }).optional(),
});

export type InternalStatus = z.output<typeof internalStatusSchema>;

const ledgerPageSchema = z.object({
  has_more: z.boolean(),
  data: z.array(
    z.object({
      id: z.string(),
      type: z.enum(['authorization', 'capture', 'void', 'refund', 'decline']),
      amount: z.number(),
      order_id: z.string(),
      authorization_id: z.string().nullable(),
      /** ms since the epoch, by the simulator's clock (the same machine's). */
      created: z.number(),
    }),
  ),
});

export type LedgerEntry = z.output<typeof ledgerPageSchema>['data'][number];

/** Reads one region directly (never through the front door), as an admin; and hands its orders to the carrier. */
export class RegionReader {
  constructor(
    readonly region: string,
    readonly url: string,
    private readonly adminToken: string,
    /** The regions' key, for their /internal routes (status, feeds). */
    private readonly regionKey: string,
  ) {}

  /** Every order this region holds (its own and replicated ones), by id. */
  async orders(): Promise<Map<string, OrderView>> {
    const items = await fetchAllPages(`${this.url}/api/v1/admin/orders`, orderSchema, {
      token: this.adminToken,
    });
    return new Map(items.map((order) => [order.orderId, order]));
  }

  /** One order by id; undefined when this region answers 404. */
  async order(orderId: string): Promise<OrderView | undefined> {
    const response = await fetch(`${this.url}/api/v1/orders/${encodeURIComponent(orderId)}`, {
      headers: { authorization: `Bearer ${this.adminToken}` },
      signal: AbortSignal.timeout(5000),
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) throw new Error(`${this.region}: GET order ${orderId} answered ${response.status}`);
    return orderSchema.parse(await response.json());
  }

  /** The warehouse hands a confirmed order of this region to the carrier (`POST /admin/orders/{id}/ship`). */
  async ship(orderId: string): Promise<{ status: number; text: string }> {
    const response = await postJson(
      `${this.url}/api/v1/admin/orders/${encodeURIComponent(orderId)}/ship`,
      {},
      { token: this.adminToken, timeoutMs: 5000 },
    );
    return { status: response.status, text: response.text };
  }

  async products(): Promise<ProductView[]> {
    return fetchAllPages(`${this.url}/api/v1/products`, productSchema);
  }

  async notifications(): Promise<NotificationView[]> {
    return fetchAllPages(`${this.url}/api/v1/admin/notifications`, notificationSchema, {
      token: this.adminToken,
    });
  }

  async status(): Promise<InternalStatus> {
    return getJson(`${this.url}/internal/status`, internalStatusSchema, {
      timeoutMs: 3000,
      token: this.regionKey,
    });
  }

  /**
   * Whether this region has something on a stream after `seq` (read as an observer, which the link
   * switch does not block and which no peer cursor depends on).
   */
  async hasAfter(stream: 'changes' | 'events', seq: number): Promise<boolean> {
    const schema = z.object({ items: z.array(z.unknown()) });
    const body = await getJson(
      `${this.url}/internal/replication/${stream}?after=${seq}&limit=1&from=observer`,
      schema,
      { timeoutMs: 3000, token: this.regionKey },
    );
    return body.items.length > 0;
  }
}

/** The payment provider's whole ledger, page by page (100 entries each). */
export async function readLedger(paymentsUrl: string, apiKey: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  let after: string | undefined;
  for (let page = 0; page < 2000; page++) {
    const url = `${paymentsUrl}/v1/ledger?limit=100${after ? `&starting_after=${after}` : ''}`;
    const body = await getJson(url, ledgerPageSchema, { token: apiKey });
    entries.push(...body.data);
    const last = body.data.at(-1);
    if (!body.has_more || !last) return entries;
    after = last.id;
  }
  throw new Error('the ledger has more than 2000 pages');
}
