/**
 * The pipeline's smoke test after each region: health, then place a test order and read it back.
 * Runs in CodeBuild with `node --experimental-strip-types` and no npm install, so it uses only
 * Node built-ins and erasable TypeScript. The ID token comes from the step (Cognito admin auth).
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SmokeTestOptions {
  /** Base URL of the region's API, e.g. https://abc.execute-api.eu-west-1.amazonaws.com */
  readonly apiUrl: string;
  readonly idToken: string;
  /** Product to order; defaults to the first one the catalog lists. */
  readonly sku?: string;
  readonly log?: (line: string) => void;
}

export class SmokeTestError extends Error {
  constructor(step: string, detail: string) {
    super(`smoke test failed at ${step}: ${detail}`);
    this.name = 'SmokeTestError';
  }
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

async function call(step: string, url: string, init: RequestInit, expected: number[]): Promise<Answer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  if (!expected.includes(response.status)) {
    throw new SmokeTestError(step, `HTTP ${response.status} ${text.slice(0, 300)}`);
  }
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    throw new SmokeTestError(step, `not JSON: ${text.slice(0, 120)}`);
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** A list endpoint answers either an array or `{ items: [...] }`. */
function items(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  const list = field(body, 'items');
  return Array.isArray(list) ? list : [];
}

export async function runSmokeTest(options: SmokeTestOptions): Promise<{ orderId: string }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const api = `${options.apiUrl.replace(/\/$/, '')}/api/v1`;
  const auth = { authorization: `Bearer ${options.idToken}` };

  await call('health', `${api}/health`, {}, [200]);
  log('health: 200');

  let sku = options.sku;
  if (!sku) {
    const catalog = await call('catalog', `${api}/products`, {}, [200]);
    const first = items(catalog.body).find((product) => field(product, 'active') !== false);
    const found = field(first, 'sku');
    if (typeof found !== 'string') throw new SmokeTestError('catalog', 'no active product to order');
    sku = found;
  }

  const order = {
    items: [{ sku, quantity: 1 }],
    shippingAddress: {
      name: 'Meridian Smoke Test',
      line1: '1 Test Street',
      city: 'Testville',
      postalCode: '00000',
      country: 'US',
    },
    paymentMethod: 'pm_card_visa',
  };
  const placed = await call(
    'place order',
    `${api}/orders`,
    {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(order),
    },
    [200, 201, 202],
  );
  const orderId = field(placed.body, 'id') ?? field(placed.body, 'orderId');
  if (typeof orderId !== 'string') throw new SmokeTestError('place order', 'answer has no order id');
  log(`place order: ${placed.status} ${orderId}`);

  const read = await call(
    'read order',
    `${api}/orders/${encodeURIComponent(orderId)}`,
    { headers: auth },
    [200],
  );
  const readId = field(read.body, 'id') ?? field(read.body, 'orderId');
  if (readId !== orderId)
    throw new SmokeTestError('read order', `expected ${orderId}, got ${String(readId)}`);
  log(`read order: 200 ${orderId}`);
  return { orderId };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new SmokeTestError('setup', `${name} is not set`);
  return value;
}

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  runSmokeTest({
    apiUrl: required('API_URL'),
    idToken: required('ID_TOKEN'),
    sku: process.env.SMOKE_SKU,
  }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
