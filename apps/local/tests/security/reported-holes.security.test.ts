import { join } from 'node:path';
import { type RunningPlatform, startPlatform } from '@meridian/chaos/platform-control';
import { importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer } from '../../src/auth/local-issuer';
import { stopAndRemove } from './support/platform-state';
import { rawRequest } from './support/raw-http';

/**
 * Every hole the application-security review of local mode reported, tried again the way it was found:
 * against the real launcher (regions, front door, payment simulator, control server as processes), over
 * plain HTTP, with nothing but what an attacker on the network or a web page has.
 */
describe('the reported holes of local mode stay closed', () => {
  let platform: RunningPlatform;
  let issuer: LocalIssuer;
  let admin: string;
  const front = () => platform.urls.frontDoor;
  const [US, EU] = ['us-east-1', 'eu-west-1'];

  const adminGet = async (url: string) =>
    fetch(url, { headers: { authorization: `Bearer ${admin}` }, signal: AbortSignal.timeout(5000) });
  const frontDoorStatus = async () =>
    (await (await adminGet(`${front()}/frontdoor/status`)).json()) as {
      regions: Array<{ name: string; healthy: boolean; link: string | null }>;
    };
  const stockOf = async (sku: string) =>
    ((await (await fetch(`${front()}/api/v1/products/${sku}`)).json()) as { stock: unknown }).stock;
  const customerToken = async (user: string) => {
    const response = await fetch(`${front()}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user }),
    });
    return ((await response.json()) as { token: string }).token;
  };

  beforeAll(async () => {
    platform = await startPlatform([US, EU], { MERIDIAN_HEALTH_INTERVAL_MS: '250' });
    issuer = await LocalIssuer.open(join(platform.dataDir, 'issuer-keys.json'));
    admin = await issuer.issue('admin');
  }, 120_000);
  afterAll(async () => {
    await stopAndRemove(platform);
  }, 30_000);

  it('listens on loopback only: another local address cannot connect', async () => {
    const port = new URL(front()).port;
    const fromLoopback = await rawRequest(front(), { method: 'GET', target: '/api/v1/health' });
    expect(fromLoopback.status).toBe(200);
    // 127.0.0.2 is this machine too, but not the address the front door listens on.
    await expect(
      rawRequest(`http://127.0.0.2:${port}`, { method: 'GET', target: '/api/v1/health', timeoutMs: 3000 }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses `..` paths to the regions’ internal routes: no order, name or address leaks', async () => {
    for (const target of [
      '/api/v1/../../internal/replication/changes?from=x&limit=2000',
      '/api/v1/%2e%2e/%2e%2e/internal/replication/changes?from=x&limit=2000',
      '/api/v1/%2E%2E/%2E%2E/internal/status',
      '/api/v1/..%2f..%2finternal/status',
      '/api/v1\\..\\..\\internal\\status',
    ]) {
      const response = await rawRequest(front(), { method: 'GET', target });
      expect(response.status, target).toBe(400);
      expect(response.headers['content-type'], target).toBe('application/problem+json');
      expect(response.body).not.toMatch(/shippingAddress|paymentMethod|"items"/);
    }
  });

  it('cannot cut replication or move stock through the front door', async () => {
    const stockBefore = await stockOf('MUG-001');
    const cut = await rawRequest(front(), {
      method: 'PUT',
      target: '/api/v1/%2e%2e/%2e%2e/internal/link',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ up: false }),
    });
    expect(cut.status).toBe(400);
    const moved = await rawRequest(front(), {
      method: 'POST',
      target: '/api/v1/%2e%2e/%2e%2e/internal/inventory/transfers',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ transferId: 'steal-1', sku: 'MUG-001', quantity: 50, toRegion: EU }),
    });
    expect(moved.status).toBe(400);
    expect((await frontDoorStatus()).regions.map((region) => region.link)).toEqual(['up', 'up']);
    expect(await stockOf('MUG-001')).toEqual(stockBefore);
  });

  it('gives nobody an admin token over HTTP', async () => {
    const asAdmin = await rawRequest(front(), {
      method: 'POST',
      target: '/auth/token',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'admin' }),
    });
    expect(asAdmin.status).toBe(403);
    expect(asAdmin.json).toMatchObject({ code: 'admin_sign_in_required' });
    const promoted = await rawRequest(front(), {
      method: 'POST',
      target: '/auth/token',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice', admin: true }),
    });
    expect(promoted.status).toBe(400);
    const alice = await customerToken('alice');
    const orders = await fetch(`${front()}/api/v1/admin/orders`, {
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(orders.status).toBe(403);
  });

  it('lets no one without an admin token, and no page of another site, kill a region', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { origin: 'https://evil.example', 'content-type': 'text/plain' },
      { authorization: `Bearer ${await customerToken('bob')}` },
      { authorization: `Bearer ${admin}`, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of attempts) {
      const response = await rawRequest(front(), {
        method: 'POST',
        target: `/frontdoor/control/regions/${EU}/kill`,
        headers,
      });
      expect([401, 403], JSON.stringify(headers)).toContain(response.status);
    }
    const control = await adminGet(`${platform.urls.control}/status`);
    const regions = ((await control.json()) as { regions: Array<{ name: string; running: boolean }> })
      .regions;
    expect(regions.every((region) => region.running)).toBe(true);
    expect((await fetch(`${platform.urls.control}/regions/${EU}/kill`, { method: 'POST' })).status).toBe(401);
  });

  it('streams no customer’s order events to an anonymous client', async () => {
    const response = await rawRequest(front(), {
      method: 'GET',
      target: '/frontdoor/events',
      timeoutMs: 3000,
    });
    expect(response.status).toBe(401);
  });

  it('keeps healthy regions healthy while slow anonymous requests come in', async () => {
    const slow = Array.from({ length: 6 }, () =>
      rawRequest(front(), {
        method: 'GET',
        target: '/api/v1/../../internal/replication/events?after=999999999&waitMs=30000&from=observer',
        timeoutMs: 40_000,
      }).catch(() => undefined),
    );
    const flips: string[] = [];
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      for (const region of (await frontDoorStatus()).regions)
        if (!region.healthy) flips.push(`${region.name} unhealthy`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await Promise.all(slow);
    expect(flips).toEqual([]);
  }, 60_000);

  it('answers a flooding client with 429, Retry-After and a problem', async () => {
    const answers = await Promise.all(
      Array.from({ length: 400 }, () =>
        rawRequest(front(), { method: 'GET', target: '/api/v1/health', from: '127.0.0.3' }),
      ),
    );
    const limited = answers.filter((answer) => answer.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited[0]?.json).toMatchObject({ status: 429, code: 'rate_limited' });
  });

  it('caps the live event streams one client holds open', async () => {
    const carol = await customerToken('carol');
    const streams = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${front()}/frontdoor/events`, {
          headers: { authorization: `Bearer ${carol}`, accept: 'text/event-stream' },
          signal: AbortSignal.timeout(5000),
        }).catch(() => undefined),
      ),
    );
    const statuses = streams.map((response) => response?.status);
    for (const response of streams) await response?.body?.cancel().catch(() => undefined);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(4);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
  });

  it('does not hold a slow request body for long', async () => {
    const started = Date.now();
    // Announces 100 bytes, sends 10, then nothing.
    const answer = await rawRequest(front(), {
      method: 'POST',
      target: '/api/v1/orders',
      headers: { 'content-type': 'application/json', 'content-length': '100', 'idempotency-key': 'slow-1' },
      body: '{"items":[',
      timeoutMs: 25_000,
    }).catch((error: Error) => error);
    expect(answer).not.toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(20_000);
    if (!(answer instanceof Error)) expect([400, 408]).toContain(answer.status);
  }, 30_000);

  it('needs the key for the payment simulator’s chaos switch and ledger', async () => {
    const chaos = await fetch(`${platform.urls.payments}/v1/chaos`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 1 }),
    });
    expect(chaos.status).toBe(401);
    expect((await fetch(`${platform.urls.payments}/v1/ledger`)).status).toBe(401);
  });

  it('sends the security headers on pages and answers', async () => {
    for (const target of ['/', '/api/v1/products', '/api/v1/nope', '/auth/users']) {
      const { headers } = await rawRequest(front(), { method: 'GET', target });
      const csp = headers['content-security-policy'] ?? '';
      expect(csp, target).toContain("frame-ancestors 'none'");
      expect(csp, target).not.toContain('unsafe-inline');
      expect(headers['x-content-type-options'], target).toBe('nosniff');
      expect(headers['referrer-policy'], target).toBe('strict-origin-when-cross-origin');
    }
  });

  it('refuses NUL and CR/LF in a shipping address, and a javascript: image URL', async () => {
    const alice = await customerToken('alice');
    const placed = await fetch(`${front()}/api/v1/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice}`,
        'content-type': 'application/json',
        'idempotency-key': 'nul-1',
      },
      body: JSON.stringify({
        items: [{ sku: 'MUG-001', quantity: 1 }],
        paymentMethod: 'pm_card_visa',
        shippingAddress: {
          name: 'A\u0000B',
          line1: '1 Main\r\nSt',
          city: 'X',
          postalCode: '1',
          country: 'US',
        },
      }),
    });
    expect(placed.status).toBe(400);
    const product = await fetch(`${front()}/api/v1/admin/products`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'XSS-001', name: 'X', priceMinor: 1, imageUrl: 'javascript:alert(1)' }),
    });
    expect(product.status).toBe(400);
  });

  it('refuses a token whose subject is a number, even signed with the right key', async () => {
    const { readFileSync } = await import('node:fs');
    const keys = JSON.parse(readFileSync(join(platform.dataDir, 'issuer-keys.json'), 'utf8')) as {
      kid: string;
      privateJwk: JWK;
    };
    const token = await new SignJWT({ sub: 12345, client_id: 'meridian-local' } as unknown as JWTPayload)
      .setProtectedHeader({ alg: 'ES256', kid: keys.kid })
      .setIssuer('http://localhost:8080/auth')
      .setAudience('meridian-local')
      .setExpirationTime('1h')
      .sign(await importJWK(keys.privateJwk, 'ES256'));
    const response = await fetch(`${front()}/api/v1/orders`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(401);
  });
});
