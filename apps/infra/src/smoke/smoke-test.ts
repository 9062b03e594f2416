/**
 * The pipeline's smoke test after each region: health, then place a test order and read it back.
 * It brings its own product: as an admin it creates (or re-activates) SMOKE_SKU, adds exactly the unit it
 * orders to this region's allotment, and deactivates the product again at the end, so it needs nothing
 * from the shop's real catalog (the first run of a new deployment has none) and takes none of its stock.
 * Runs in CodeBuild with `node --experimental-strip-types` and no npm install, so it uses only Node
 * built-ins and erasable TypeScript. The ID token comes from the step (Cognito admin auth).
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The product the smoke test orders; shoppers never see it (inactive except while a smoke test runs). */
export const SMOKE_SKU = 'SMOKE-TEST';

const SMOKE_PRODUCT = {
  sku: SMOKE_SKU,
  name: 'Pipeline smoke test',
  description: 'Ordered by the deployment pipeline after each region deploys; not for sale.',
  priceMinor: 100,
  currency: 'USD',
  active: true,
  category: 'internal',
};

export interface SmokeTestOptions {
  /** Base URL of the region's API, e.g. https://abc.execute-api.eu-west-1.amazonaws.com */
  readonly apiUrl: string;
  /** An ID token of a member of the admin group. */
  readonly idToken: string;
  /** The region under test: its allotment receives the unit the test orders. */
  readonly region: string;
  /** Names this run's restock and order (idempotency keys); new each run by default. */
  readonly runId?: string;
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

const json = (auth: Record<string, string>, extra: Record<string, string> = {}) => ({
  ...auth,
  'content-type': 'application/json',
  ...extra,
});

/** Creates the smoke product, or activates it when an earlier run left it (inactive) in the catalog. */
async function activateSmokeProduct(api: string, auth: Record<string, string>): Promise<void> {
  const created = await call(
    'product',
    `${api}/admin/products`,
    { method: 'POST', headers: json(auth), body: JSON.stringify(SMOKE_PRODUCT) },
    [201, 409],
  );
  if (created.status === 201) return;
  await call(
    'product',
    `${api}/admin/products/${SMOKE_SKU}`,
    { method: 'PATCH', headers: json(auth), body: JSON.stringify({ active: true }) },
    [200],
  );
}

export async function runSmokeTest(options: SmokeTestOptions): Promise<{ orderId: string }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const api = `${options.apiUrl.replace(/\/$/, '')}/api/v1`;
  const auth = { authorization: `Bearer ${options.idToken}` };
  const runId = options.runId ?? randomUUID();

  await call('health', `${api}/health`, {}, [200]);
  log('health: 200');

  await activateSmokeProduct(api, auth);
  log(`product: ${SMOKE_SKU} active`);
  let outcome: { orderId: string } | { failure: unknown };
  try {
    outcome = await orderSmokeProduct(api, auth, options.region, runId, log);
  } catch (failure) {
    outcome = { failure };
  }
  // Taken off sale again whatever happened; the order placed keeps its saga (reserving needs no active
  // product). A failure here fails the test, unless an earlier step already did.
  try {
    await call(
      'deactivate product',
      `${api}/admin/products/${SMOKE_SKU}`,
      { method: 'PATCH', headers: json(auth), body: JSON.stringify({ active: false }) },
      [200],
    );
    log(`product: ${SMOKE_SKU} inactive`);
  } catch (failure) {
    if ('failure' in outcome) log(`also: ${failure instanceof Error ? failure.message : String(failure)}`);
    else outcome = { failure };
  }
  if ('failure' in outcome) throw outcome.failure;
  return outcome;
}

/** Restocks the one unit, orders it and reads the order back. */
async function orderSmokeProduct(
  api: string,
  auth: Record<string, string>,
  region: string,
  runId: string,
  log: (line: string) => void,
): Promise<{ orderId: string }> {
  await call('catalog', `${api}/products/${SMOKE_SKU}`, {}, [200]);
  await call(
    'restock',
    `${api}/admin/products/${SMOKE_SKU}/restock`,
    {
      method: 'POST',
      headers: json(auth, { 'idempotency-key': `smoke-restock-${runId}` }),
      body: JSON.stringify({ quantity: 1, split: [{ region, quantity: 1 }] }),
    },
    [200],
  );
  log(`restock: 1 unit in ${region}`);

  const order = {
    items: [{ sku: SMOKE_SKU, quantity: 1 }],
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
      headers: json(auth, { 'idempotency-key': `smoke-order-${runId}` }),
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
    region: required('SMOKE_REGION'),
  }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
