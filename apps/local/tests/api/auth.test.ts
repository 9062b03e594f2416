import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, type JWK, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, LocalIssuer } from '../../src/auth/local-issuer';
import { expectProblem } from '../support/assertions';
import {
  newKey,
  type OrderView,
  orderBody,
  startTestRegion,
  type TestRegion,
} from '../support/region-harness';

let harness: TestRegion;
let alice: string;
let bob: string;
let admin: string;
let aliceOrder: OrderView;

/** Signs a token with the region's own key but with the claims a test chooses. */
async function forge(claims: { iss?: string; aud?: string; sub?: unknown; exp?: number }): Promise<string> {
  const keys = JSON.parse(readFileSync(harness.issuerKeyFile, 'utf8')) as { kid: string; privateJwk: JWK };
  const key = await importJWK(keys.privateJwk, 'ES256');
  // The subject goes in as a raw claim, so that a test can give it any JSON type.
  const subject = claims.sub === undefined ? {} : { sub: claims.sub };
  // Cast: jose types `sub` as a string, and some tests sign other types on purpose.
  const jwt = new SignJWT({ 'cognito:groups': ['admin'], token_use: 'access', ...subject } as JWTPayload)
    .setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? '1h');
  if (claims.iss !== undefined) jwt.setIssuer(claims.iss);
  if (claims.aud !== undefined) jwt.setAudience(claims.aud);
  return jwt.sign(key);
}

beforeAll(async () => {
  harness = await startTestRegion();
  [alice, bob, admin] = await Promise.all([
    harness.token('alice'),
    harness.token('bob'),
    harness.token('admin'),
  ]);
  const placed = await harness.placeOrder(orderBody(), { token: alice, key: newKey() });
  expect(placed.status).toBe(202);
  aliceOrder = await harness.waitForTerminal(placed.body.orderId, alice);
});
afterAll(async () => {
  await harness?.close();
});

describe('authentication', () => {
  const protectedRoutes: Array<[string, string]> = [
    ['GET', '/orders'],
    ['POST', '/orders'],
    ['GET', '/orders/ord_x_us-east-1'],
    ['POST', '/orders/ord_x_us-east-1/cancel'],
    ['GET', '/notifications'],
    ['GET', '/admin/orders'],
    ['POST', '/admin/products'],
  ];

  it.each(protectedRoutes)(
    '%s %s without a token → 401 problem with WWW-Authenticate',
    async (method, path) => {
      const response = await harness.request(path, { method });
      expectProblem(response, 401, 'unauthenticated');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    },
  );

  it.each([
    ['a garbage token', () => 'garbage'],
    ['a truncated JWT', async () => (await harness.token('alice')).slice(0, -10)],
    ['a non-Bearer scheme', async () => `x ${await harness.token('alice')}`],
    ['an expired token', () => harness.issuer.issue('alice', { ttlSeconds: -120 })],
    [
      'a token signed by another issuer key',
      async () => (await LocalIssuer.open(join(harness.dataDir, 'other-keys.json'))).issue('alice'),
    ],
    [
      'a token from the wrong issuer',
      () => forge({ iss: 'https://evil.example/auth', aud: LOCAL_AUDIENCE, sub: 'alice' }),
    ],
    ['a token for another audience', () => forge({ iss: LOCAL_ISSUER, aud: 'someone-else', sub: 'alice' })],
    ['a token without a subject', () => forge({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE })],
    [
      'a token whose subject is a number',
      () => forge({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: 12345 }),
    ],
    [
      'a token whose subject is an object',
      () => forge({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: { id: 'admin' } }),
    ],
    [
      'a token naming a principal nobody knows',
      () => forge({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: 'mallory' }),
    ],
    [
      'an unsigned (alg none) token',
      () => {
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        const payload = {
          iss: LOCAL_ISSUER,
          aud: LOCAL_AUDIENCE,
          sub: 'admin',
          'cognito:groups': ['admin'],
          exp: now + 600,
        };
        return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
      },
    ],
  ])('refuses %s with 401', async (_label, makeToken) => {
    const token = await makeToken();
    const headers = { authorization: token.includes(' ') ? token : `Bearer ${token}` };
    const response = await harness.request('/admin/orders', { headers });
    const problem = expectProblem(response, 401, 'unauthenticated');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(problem.detail).toEqual(expect.any(String));
  });

  it('accepts a forged-claims token when every claim is right (the forging helper is sound)', async () => {
    const token = await forge({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: 'admin' });
    expect((await harness.request('/admin/orders', { token })).status).toBe(200);
  });

  it('says when a token has expired', async () => {
    const response = await harness.request('/orders', {
      token: await harness.issuer.issue('alice', { ttlSeconds: -120 }),
    });
    expect(expectProblem(response, 401, 'unauthenticated').detail).toMatch(/expired/i);
  });
});

describe('authorization', () => {
  const adminRoutes: Array<[string, string, unknown?]> = [
    ['POST', '/admin/products', { sku: 'HACK-001', name: 'Hack', priceMinor: 1 }],
    ['PATCH', '/admin/products/MUG-001', { priceMinor: 1 }],
    ['POST', '/admin/products/MUG-001/restock', { quantity: 1000 }],
    ['GET', '/admin/orders'],
    ['POST', '/admin/orders/ord_x_us-east-1/ship'],
    ['GET', '/admin/dead-letters'],
    ['POST', '/admin/dead-letters/1/redrive'],
    ['POST', '/admin/dead-letters/redrive'],
    ['GET', '/admin/notifications'],
    ['GET', '/admin/executions'],
    ['GET', '/admin/executions/x/history'],
  ];

  it.each(adminRoutes)('a customer on %s %s → 403, and nothing changes', async (method, path, json) => {
    const before = await harness.request('/products/MUG-001');
    const response = await harness.request(path, {
      method,
      token: alice,
      ...(json === undefined ? {} : { json }),
    });
    expectProblem(response, 403, 'forbidden');
    const after = await harness.request('/products/MUG-001');
    expect(after.body).toEqual(before.body);
    expectProblem(await harness.request('/products/HACK-001'), 404, 'product_not_found');
  });

  it("hides another customer's order: bob gets 404, exactly as for an unknown order", async () => {
    const response = await harness.request(`/orders/${aliceOrder.orderId}`, { token: bob });
    const problem = expectProblem(response, 404, 'order_not_found');
    const unknown = expectProblem(
      await harness.request('/orders/ord_unknown_us-east-1', { token: bob }),
      404,
      'order_not_found',
    );
    expect(problem.title).toBe(unknown.title);
  });

  it("leaves another customer's orders out of GET /orders", async () => {
    const mine = await harness.request<{ items: OrderView[] }>('/orders', { token: alice });
    const theirs = await harness.request<{ items: OrderView[] }>('/orders', { token: bob });
    expect(mine.body.items.map((order) => order.orderId)).toContain(aliceOrder.orderId);
    expect(theirs.body.items.map((order) => order.orderId)).not.toContain(aliceOrder.orderId);
    for (const order of theirs.body.items) expect(order.customerId).toBe('bob');
  });

  it('lets an admin read any order', async () => {
    const response = await harness.request<OrderView>(`/orders/${aliceOrder.orderId}`, { token: admin });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      orderId: aliceOrder.orderId,
      customerId: 'alice',
      status: 'CONFIRMED',
    });
  });

  it('treats a customer whose token puts them in the admin group as an admin', async () => {
    // Only the issuer's key can sign such a token (the local issuer gives groups from its directory).
    const carolAdmin = await forge({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: 'carol' });
    expect((await harness.request(`/orders/${aliceOrder.orderId}`, { token: carolAdmin })).status).toBe(200);
    expect((await harness.request('/admin/orders', { token: carolAdmin })).status).toBe(200);
  });
});
