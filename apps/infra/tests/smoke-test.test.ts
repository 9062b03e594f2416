import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runSmokeTest, SMOKE_SKU, SmokeTestError } from '../src/smoke/smoke-test';

type Route = (request: IncomingMessage, body: string) => { status: number; body: unknown };

let server: Server | undefined;
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];

/** A stand-in for a region's API, answering like Meridian's /api/v1. */
async function fakeApi(routes: Record<string, Route>): Promise<string> {
  seen.length = 0;
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const route = routes[`${request.method} ${request.url}`];
      const answer = route ? route(request, body) : { status: 404, body: { status: 404 } };
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  const listening = server;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A region's API with an empty catalog (a first deployment), or with the product an earlier run left. */
function regionApi(options: { productExists?: boolean } = {}): Record<string, Route> {
  let product: { active: boolean } | undefined = options.productExists ? { active: false } : undefined;
  const admin = (request: IncomingMessage) => request.headers.authorization === 'Bearer token-123';
  return {
    'GET /api/v1/health': () => ({ status: 200, body: { status: 'ok' } }),
    'POST /api/v1/admin/products': (request, body) => {
      if (!admin(request)) return { status: 403, body: { status: 403 } };
      if (product) return { status: 409, body: { status: 409, code: 'product_exists' } };
      product = { active: (JSON.parse(body) as { active: boolean }).active };
      return { status: 201, body: { sku: SMOKE_SKU, ...product } };
    },
    'PATCH /api/v1/admin/products/SMOKE-TEST': (request, body) => {
      if (!admin(request) || !product) return { status: 404, body: { status: 404 } };
      product = { active: (JSON.parse(body) as { active: boolean }).active };
      return { status: 200, body: { sku: SMOKE_SKU, ...product } };
    },
    'GET /api/v1/products/SMOKE-TEST': () =>
      product
        ? { status: 200, body: { sku: SMOKE_SKU, ...product } }
        : { status: 404, body: { status: 404 } },
    'POST /api/v1/admin/products/SMOKE-TEST/restock': (request) =>
      admin(request) && request.headers['idempotency-key']
        ? { status: 200, body: { sku: SMOKE_SKU } }
        : { status: 400, body: { status: 400 } },
    'POST /api/v1/orders': (request, body) => {
      const sku = (JSON.parse(body) as { items: Array<{ sku: string }> }).items[0]?.sku;
      if (!admin(request) || !request.headers['idempotency-key'])
        return { status: 401, body: { status: 401 } };
      return product?.active && sku === SMOKE_SKU
        ? { status: 202, body: { orderId: 'ord_eu-west-1_01', status: 'PENDING' } }
        : { status: 422, body: { status: 422, code: 'invalid_order' } };
    },
    'GET /api/v1/orders/ord_eu-west-1_01': () => ({
      status: 200,
      body: { orderId: 'ord_eu-west-1_01', status: 'PENDING' },
    }),
  };
}

const requests = () => seen.map((request) => `${request.method} ${request.url}`);
const bodyOf = (method: string, url: string) =>
  JSON.parse(seen.find((request) => request.method === method && request.url === url)?.body ?? '{}');

describe('pipeline smoke test', () => {
  it('passes on a new deployment’s empty catalog: brings its product and the unit it orders', async () => {
    const apiUrl = await fakeApi(regionApi());
    const lines: string[] = [];

    const result = await runSmokeTest({
      apiUrl: `${apiUrl}/`,
      idToken: 'token-123',
      region: 'eu-west-1',
      runId: 'run-1',
      log: (line) => lines.push(line),
    });

    expect(result.orderId).toBe('ord_eu-west-1_01');
    expect(requests()).toEqual([
      'GET /api/v1/health',
      'POST /api/v1/admin/products',
      'GET /api/v1/products/SMOKE-TEST',
      'POST /api/v1/admin/products/SMOKE-TEST/restock',
      'POST /api/v1/orders',
      'GET /api/v1/orders/ord_eu-west-1_01',
      'PATCH /api/v1/admin/products/SMOKE-TEST',
    ]);
    expect(bodyOf('POST', '/api/v1/admin/products/SMOKE-TEST/restock')).toEqual({
      quantity: 1,
      split: [{ region: 'eu-west-1', quantity: 1 }],
    });
    const placed = bodyOf('POST', '/api/v1/orders') as { items: unknown; paymentMethod: string };
    expect(placed.items).toEqual([{ sku: SMOKE_SKU, quantity: 1 }]);
    expect(placed.paymentMethod).toBe('pm_card_visa');
    expect(bodyOf('PATCH', '/api/v1/admin/products/SMOKE-TEST')).toEqual({ active: false });
    const keys = seen.map((request) => request.headers['idempotency-key']).filter(Boolean);
    expect(keys).toEqual(['smoke-restock-run-1', 'smoke-order-run-1']);
    expect(lines.at(-1)).toBe('product: SMOKE-TEST inactive');
  });

  it('re-activates the product an earlier run left, then takes it off sale again', async () => {
    const apiUrl = await fakeApi(regionApi({ productExists: true }));

    await runSmokeTest({ apiUrl, idToken: 'token-123', region: 'eu-west-1', log: () => {} });

    const patches = seen.filter((request) => request.method === 'PATCH').map((request) => request.body);
    expect(patches).toEqual(['{"active":true}', '{"active":false}']);
  });

  it('fails at the health check of a degraded region, before changing anything', async () => {
    const apiUrl = await fakeApi({
      ...regionApi(),
      'GET /api/v1/health': () => ({ status: 503, body: { status: 'degraded' } }),
    });

    await expect(
      runSmokeTest({ apiUrl, idToken: 'token-123', region: 'eu-west-1', log: () => {} }),
    ).rejects.toThrow(new SmokeTestError('health', 'HTTP 503 {"status":"degraded"}'));
    expect(seen).toHaveLength(1);
  });

  it('reports the order read back wrong, and still takes the product off sale', async () => {
    const apiUrl = await fakeApi({
      ...regionApi(),
      'GET /api/v1/orders/ord_eu-west-1_01': () => ({ status: 200, body: { orderId: 'someone-else' } }),
    });

    await expect(
      runSmokeTest({ apiUrl, idToken: 'token-123', region: 'eu-west-1', log: () => {} }),
    ).rejects.toThrow(/read order: expected ord_eu-west-1_01, got someone-else/);
    expect(requests().at(-1)).toBe('PATCH /api/v1/admin/products/SMOKE-TEST');
    expect(bodyOf('PATCH', '/api/v1/admin/products/SMOKE-TEST')).toEqual({ active: false });
  });

  it('fails when the product cannot be taken off sale after a good order', async () => {
    const routes = regionApi();
    const activate = routes['PATCH /api/v1/admin/products/SMOKE-TEST'];
    const apiUrl = await fakeApi({
      ...routes,
      'PATCH /api/v1/admin/products/SMOKE-TEST': (request, body) =>
        body.includes('false')
          ? { status: 500, body: { status: 500 } }
          : (activate?.(request, body) as never),
    });

    await expect(
      runSmokeTest({ apiUrl, idToken: 'token-123', region: 'eu-west-1', log: () => {} }),
    ).rejects.toThrow(/deactivate product: HTTP 500/);
  });
});
