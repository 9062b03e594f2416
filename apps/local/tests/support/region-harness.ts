import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { serve } from '@hono/node-server';
import { LocalIssuer } from '../../src/auth/local-issuer';
import { seedDemoCatalog } from '../../src/catalog/demo-catalog';
import type { ChaosConfig } from '../../src/payment-simulator/app';
import { startPaymentSimulator } from '../../src/payment-simulator/server';
import { createLocalRegion, type LocalRegion } from '../../src/region/local-region';

/**
 * One local region over real HTTP for black-box tests: its own payment simulator, JWT issuer, SQLite file
 * and port (all temporary), so test files can run in parallel. Set MERIDIAN_TEST_LOG_LEVEL=DEBUG to see logs.
 */

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'FAILED' | 'CANCELLED';
export const TERMINAL: readonly OrderStatus[] = ['CONFIRMED', 'FAILED', 'CANCELLED'];

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON (problem+json included), else the raw text. */
  body: T;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

export interface OrderView {
  orderId: string;
  region: string;
  customerId: string;
  idempotencyKey?: string;
  status: OrderStatus;
  cancelRequested: boolean;
  lines: Array<{ sku: string; quantity: number; unitPriceMinor: number; lineTotalMinor: number }>;
  totalMinor: number;
  inventory: string;
  payment?: { authorizationId: string; status: string; amountMinor: number; refundedMinor: number };
  shipment?: { shipmentId: string; status: string; trackingNumber: string };
  failureReason?: string;
  timeline: Array<{ type: string; at: string; detail?: string }>;
}

export interface LedgerEntry {
  id: string;
  type: 'authorization' | 'capture' | 'void' | 'refund' | 'decline';
  amount: number;
  order_id: string;
  authorization_id: string | null;
  decline_code: string | null;
}

export interface Stock {
  available: number;
  reserved: number;
  sold: number;
}

export interface PlaceOrderBody {
  items: Array<{ sku: string; quantity: number }>;
  paymentMethod: string;
  shippingAddress: Record<string, string>;
}

export interface RequestOptions {
  method?: string;
  token?: string;
  /** Serialized as JSON with content-type application/json. */
  json?: unknown;
  /** A raw body, sent as is (set the content type yourself in headers). */
  body?: string;
  headers?: Record<string, string>;
}

export interface TestRegionOptions {
  region?: string;
  regions?: string[];
  /** Initial payment simulator chaos (latency, error rate); change it later with payments.setChaos. */
  chaos?: Partial<Pick<ChaosConfig, 'latencyMs' | 'errorRate'>>;
  /** Runs after the region is created and before start(): the place for test-only bus rules. */
  beforeStart?: (region: LocalRegion) => void | Promise<void>;
}

export interface TestRegion {
  /** The API base, e.g. http://127.0.0.1:5123/api/v1 */
  baseUrl: string;
  /** The server origin, e.g. http://127.0.0.1:5123 */
  origin: string;
  region: LocalRegion;
  issuer: LocalIssuer;
  /** The temporary directory holding the region's files (deleted by close()). */
  dataDir: string;
  /** The issuer's key file (JWKs), for tests that forge tokens. */
  issuerKeyFile: string;
  /** The key the region requires on its /internal routes. */
  regionKey: string;
  payments: {
    url: string;
    ledger(orderId: string): Promise<LedgerEntry[]>;
    setChaos(chaos: Partial<Pick<ChaosConfig, 'latencyMs' | 'errorRate'>>): Promise<void>;
  };
  /** A token for a demo user (admin included), as `npm run -s token -- <user>` prints one. */
  token(user: string): Promise<string>;
  /** Any request to the API; `path` is relative to baseUrl unless it starts with http. */
  request<T = unknown>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  placeOrder(body: unknown, options: { token: string; key?: string }): Promise<ApiResponse<OrderView>>;
  getOrder(orderId: string, token: string): Promise<OrderView>;
  /**
   * Polls until the order is CONFIRMED, FAILED or CANCELLED. A CONFIRMED order whose cancellation was
   * requested is still moving (its cancellation run ends it CANCELLED), so it is not treated as final.
   */
  waitForTerminal(orderId: string, token: string, timeoutMs?: number): Promise<OrderView>;
  stockOf(sku: string): Promise<Stock>;
  close(): Promise<void>;
}

/** A valid order body for one SKU; override anything. */
export function orderBody(
  overrides: { sku?: string; quantity?: number; paymentMethod?: string; country?: string } = {},
): PlaceOrderBody {
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

export function newKey(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** Polls `probe` until it returns a value other than undefined, or throws after timeoutMs. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 10_000, intervalMs = 10, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * What every region test starts from: a temporary directory holding a payment simulator's database and a
 * JWT issuer's keys. `cleanups` run in reverse order on `close()`, the directory's removal last.
 */
export async function startTestScaffold(
  prefix: string,
  chaos: { latencyMs?: number; errorRate?: number } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const simulator = await startPaymentSimulator({
      dbPath: join(dir, 'payments.sqlite'),
      port: 0,
      chaos: { latencyMs: chaos.latencyMs ?? 0, errorRate: chaos.errorRate ?? 0 },
    });
    cleanups.push(() => simulator.close());
    const issuerKeyFile = join(dir, 'issuer-keys.json');
    const issuer = await LocalIssuer.open(issuerKeyFile);
    // What the launcher makes at first start: the key regions require of each other on /internal routes.
    const regionKey = `rk_${randomBytes(32).toString('base64url')}`;
    return { dir, simulator, issuer, issuerKeyFile, regionKey, cleanups, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export async function startTestRegion(options: TestRegionOptions = {}): Promise<TestRegion> {
  const { dir, simulator, issuer, issuerKeyFile, regionKey, cleanups, close } = await startTestScaffold(
    'meridian-region-test-',
    options.chaos,
  );
  try {
    const regionName = options.region ?? 'us-east-1';
    const region = createLocalRegion({
      internalKey: regionKey,
      region: regionName,
      regions: options.regions ?? [regionName],
      databaseFile: join(dir, `${regionName}.sqlite`),
      paymentsUrl: simulator.url,
      keySet: issuer.keySet(),
      retryIntervalMs: 5,
      logger: new Logger({
        serviceName: 'meridian-test',
        logLevel: (process.env.MERIDIAN_TEST_LOG_LEVEL ?? 'SILENT') as LogLevel,
      }),
    });
    cleanups.push(() => region.stop());
    await seedDemoCatalog(region.ctx);
    await options.beforeStart?.(region);
    await region.start();

    const { server, port } = await new Promise<{ server: Server; port: number }>((resolve, reject) => {
      const server = serve({ fetch: region.server.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve({ server: server as Server, port: info.port }),
      );
      server.once('error', reject);
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );

    const origin = `http://127.0.0.1:${port}`;
    const baseUrl = `${origin}/api/v1`;
    const tokens = new Map<string, Promise<string>>();

    const request = <T>(path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> =>
      httpRequest<T>(path.startsWith('http') ? path : `${baseUrl}${path}`, opts);

    const getOrder = async (orderId: string, token: string): Promise<OrderView> => {
      const response = await request<OrderView>(`/orders/${encodeURIComponent(orderId)}`, { token });
      if (response.status !== 200)
        throw new Error(`GET order ${orderId}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    };

    const harness: TestRegion = {
      baseUrl,
      origin,
      region,
      issuer,
      dataDir: dir,
      issuerKeyFile,
      regionKey,
      payments: paymentSimulatorClient(simulator.url),
      token(user) {
        let token = tokens.get(user);
        if (!token) {
          token = issuer.issue(user);
          tokens.set(user, token);
        }
        return token;
      },
      request,
      placeOrder(body, { token, key }) {
        return request<OrderView>('/orders', {
          token,
          json: body,
          headers: key === undefined ? {} : { 'idempotency-key': key },
        });
      },
      getOrder,
      waitForTerminal(orderId, token, timeoutMs = 10_000) {
        return waitFor(
          async () => {
            const order = await getOrder(orderId, token);
            const cancelling = order.status === 'CONFIRMED' && order.cancelRequested;
            return TERMINAL.includes(order.status) && !cancelling ? order : undefined;
          },
          { timeoutMs, what: `order ${orderId} to reach a terminal status` },
        );
      },
      async stockOf(sku) {
        const response = await request<{ stock: Stock }>(`/products/${encodeURIComponent(sku)}`);
        if (response.status !== 200) throw new Error(`GET product ${sku}: ${response.status}`);
        const { available, reserved, sold } = response.body.stock;
        return { available, reserved, sold };
      },
      close,
    };
    return harness;
  } catch (error) {
    await close();
    throw error;
  }
}

/** A JSON request with an optional bearer token; the answer parsed when it is JSON (problem+json too). */
export async function httpRequest<T>(url: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(url, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await response.text();
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  return {
    status: response.status,
    headers: response.headers,
    body: (isJson && text ? JSON.parse(text) : text) as T,
  };
}

/** The payment simulator's ledger and chaos switch, as tests use them. */
export function paymentSimulatorClient(url: string): TestRegion['payments'] {
  return {
    url,
    async ledger(orderId) {
      const response = await fetch(`${url}/v1/ledger?order_id=${encodeURIComponent(orderId)}&limit=100`);
      if (!response.ok) throw new Error(`ledger: HTTP ${response.status}`);
      return ((await response.json()) as { data: LedgerEntry[] }).data;
    },
    async setChaos(chaos) {
      const response = await fetch(`${url}/v1/chaos`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(chaos),
      });
      if (!response.ok) throw new Error(`chaos: HTTP ${response.status} ${await response.text()}`);
    },
  };
}
