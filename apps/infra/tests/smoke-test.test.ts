import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runSmokeTest, SmokeTestError } from '../src/smoke/smoke-test';

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

const healthy: Record<string, Route> = {
  'GET /api/v1/health': () => ({ status: 200, body: { status: 'ok' } }),
  'GET /api/v1/products': () => ({
    status: 200,
    body: {
      items: [
        { sku: 'RETIRED', active: false },
        { sku: 'SKU-LAMP', active: true },
      ],
    },
  }),
  'POST /api/v1/orders': (request) =>
    request.headers.authorization === 'Bearer token-123' && request.headers['idempotency-key']
      ? { status: 201, body: { id: 'ord_eu-west-1_01', status: 'PENDING' } }
      : { status: 401, body: { status: 401 } },
  'GET /api/v1/orders/ord_eu-west-1_01': () => ({
    status: 200,
    body: { id: 'ord_eu-west-1_01', status: 'CONFIRMED' },
  }),
};

describe('pipeline smoke test', () => {
  it('checks health, places an order for an active product and reads it back', async () => {
    const apiUrl = await fakeApi(healthy);
    const lines: string[] = [];

    const result = await runSmokeTest({
      apiUrl: `${apiUrl}/`,
      idToken: 'token-123',
      log: (line) => lines.push(line),
    });

    expect(result.orderId).toBe('ord_eu-west-1_01');
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /api/v1/health',
      'GET /api/v1/products',
      'POST /api/v1/orders',
      'GET /api/v1/orders/ord_eu-west-1_01',
    ]);
    const placed = JSON.parse(seen[2]?.body ?? '{}') as { items: unknown; paymentMethod: string };
    expect(placed.items).toEqual([{ sku: 'SKU-LAMP', quantity: 1 }]);
    expect(placed.paymentMethod).toBe('pm_card_visa');
    expect(lines).toHaveLength(3);
  });

  it('fails at the health check of a degraded region, before ordering anything', async () => {
    const apiUrl = await fakeApi({
      ...healthy,
      'GET /api/v1/health': () => ({ status: 503, body: { status: 'degraded' } }),
    });

    await expect(runSmokeTest({ apiUrl, idToken: 'token-123', log: () => {} })).rejects.toThrow(
      new SmokeTestError('health', 'HTTP 503 {"status":"degraded"}'),
    );
    expect(seen).toHaveLength(1);
  });

  it('fails when the order read back is not the one placed', async () => {
    const apiUrl = await fakeApi({
      ...healthy,
      'GET /api/v1/orders/ord_eu-west-1_01': () => ({ status: 200, body: { id: 'someone-else' } }),
    });

    await expect(
      runSmokeTest({ apiUrl, idToken: 'token-123', sku: 'SKU-LAMP', log: () => {} }),
    ).rejects.toThrow(/read order: expected ord_eu-west-1_01, got someone-else/);
  });
});
