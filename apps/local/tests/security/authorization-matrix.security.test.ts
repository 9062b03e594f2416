import { type RunningPlatform, signIn, startPlatform } from '@meridian/chaos/platform-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalIssuer } from '../../src/auth/local-issuer';
import { type OpenApiDocument, operationsOf } from './support/openapi-operations';
import { forgedAuthorizations, placeOrderAndWait, stopAndRemove } from './support/platform-state';

type Caller = 'none' | 'customer' | 'another customer' | 'admin' | 'forged';
const CALLERS: Caller[] = ['none', 'forged', 'another customer', 'customer', 'admin'];

interface Route {
  /** `GET /orders/{orderId}`: as the OpenAPI document or the edge names it. */
  name: string;
  method: string;
  url: () => string;
  body?: () => unknown;
  headers?: () => Record<string, string>;
  /** The statuses each caller may get. */
  expected: Record<Caller, number[]>;
}

const publicRoute = (ok: number[]) => ({
  none: ok,
  forged: ok,
  'another customer': ok,
  customer: ok,
  admin: ok,
});
const customerRoute = (own: number[], others: number[], admin: number[]) => ({
  none: [401],
  forged: [401],
  'another customer': others,
  customer: own,
  admin,
});
const adminRoute = (ok: number[]) => ({
  none: [401],
  forged: [401],
  'another customer': [403],
  customer: [403],
  admin: ok,
});
/** A route for a key, not a user: no user token opens it, admin included. */
const keyRoute = () => ({
  none: [401],
  forged: [401],
  'another customer': [401],
  customer: [401],
  admin: [401],
});

/**
 * Every route of the local platform (each operation of the OpenAPI document through the front door, the
 * front door's own routes, the control server, the regions' internal routes and the payment simulator)
 * called by nobody, by a forged token of every kind, by another customer, by the customer who owns the
 * resource and by an admin. Each caller gets exactly what it may.
 */
describe('authorization matrix', () => {
  let platform: RunningPlatform;
  const tokens = {} as Record<'customer' | 'another customer' | 'admin', string>;
  let forged: Record<string, string>;
  let aliceOrder: string;
  let cancellable: string;
  let issuer: LocalIssuer;
  let serial = 0;

  beforeAll(async () => {
    // About who may do what, not how often: the rate limits are raised out of the way.
    platform = await startPlatform(['us-east-1'], {
      MERIDIAN_RATE_LIMIT_PER_ADDRESS: '1000000',
      MERIDIAN_RATE_LIMIT_PER_PRINCIPAL: '1000000',
    });
    const front = platform.urls.frontDoor;
    tokens.customer = await signIn(front, 'alice');
    tokens['another customer'] = await signIn(front, 'bob');
    tokens.admin = platform.credentials.adminToken;
    forged = await forgedAuthorizations(platform.dataDir);
    issuer = await LocalIssuer.open(`${platform.dataDir}/issuer-keys.json`);
    aliceOrder = (await placeOrderAndWait(front, tokens.customer)).orderId;
    cancellable = aliceOrder;
  }, 120_000);
  afterAll(async () => {
    await stopAndRemove(platform);
  }, 30_000);

  const send = async (route: Route, authorization: string | undefined) => {
    const body = route.body?.();
    const response = await fetch(route.url(), {
      method: route.method,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...route.headers?.(),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(20_000),
    });
    const type = response.headers.get('content-type') ?? '';
    const text = type.startsWith('text/event-stream') ? '' : await response.text();
    await response.body?.cancel().catch(() => undefined);
    return { status: response.status, type, text };
  };

  const check = async (routes: Route[]) => {
    for (const route of routes) {
      for (const caller of CALLERS) {
        const headers =
          caller === 'none'
            ? [undefined]
            : caller === 'forged'
              ? Object.values(forged).filter(Boolean)
              : [`Bearer ${tokens[caller]}`];
        for (const authorization of headers) {
          const { status, type, text } = await send(route, authorization);
          const what = `${route.name} as ${caller}${caller === 'forged' ? ` (${authorization?.slice(0, 40)})` : ''}: ${status} ${text.slice(0, 200)}`;
          expect(route.expected[caller], what).toContain(status);
          if (status >= 400) expect(type, what).toMatch(/^application\/(problem\+)?json/);
        }
      }
    }
  };

  it('covers every operation of the API, through the front door', async () => {
    const api = `${platform.urls.frontDoor}/api/v1`;
    const document = (await (await fetch(`${api}/openapi.json`)).json()) as OpenApiDocument;
    const next = () => `MATRIX-${++serial}`;
    const orderBody = () => ({
      items: [{ sku: 'MUG-001', quantity: 1 }],
      paymentMethod: 'pm_card_visa',
      shippingAddress: { name: 'A', line1: '1 Main St', city: 'X', postalCode: '1', country: 'US' },
    });
    const routes: Record<string, Omit<Route, 'name' | 'method'>> = {
      'GET /health': { url: () => `${api}/health`, expected: publicRoute([200]) },
      'GET /products': { url: () => `${api}/products`, expected: publicRoute([200]) },
      'GET /products/{sku}': { url: () => `${api}/products/MUG-001`, expected: publicRoute([200]) },
      'POST /orders': {
        url: () => `${api}/orders`,
        body: orderBody,
        headers: () => ({ 'idempotency-key': `matrix-${++serial}` }),
        expected: customerRoute([202], [202], [202]),
      },
      'GET /orders': { url: () => `${api}/orders`, expected: customerRoute([200], [200], [200]) },
      'GET /orders/{orderId}': {
        url: () => `${api}/orders/${aliceOrder}`,
        expected: customerRoute([200], [404], [200]),
      },
      'POST /orders/{orderId}/cancel': {
        url: () => `${api}/orders/${cancellable}/cancel`,
        // Another customer's cancel must not even learn that the order exists.
        expected: customerRoute([202, 409], [404], [202, 409]),
      },
      'GET /notifications': {
        url: () => `${api}/notifications`,
        expected: customerRoute([200], [200], [200]),
      },
      'POST /admin/products': {
        url: () => `${api}/admin/products`,
        body: () => ({ sku: next(), name: 'Matrix', priceMinor: 100 }),
        expected: adminRoute([201]),
      },
      'PATCH /admin/products/{sku}': {
        url: () => `${api}/admin/products/NOTE-001`,
        body: () => ({ category: 'stationery' }),
        expected: adminRoute([200]),
      },
      'POST /admin/products/{sku}/restock': {
        url: () => `${api}/admin/products/NOTE-001/restock`,
        body: () => ({ quantity: 1 }),
        expected: adminRoute([200, 201]),
      },
      'GET /admin/orders': { url: () => `${api}/admin/orders`, expected: adminRoute([200]) },
      'POST /admin/orders/{orderId}/ship': {
        url: () => `${api}/admin/orders/ord_unknown_us-east-1/ship`,
        expected: adminRoute([404]),
      },
      'GET /admin/dead-letters': { url: () => `${api}/admin/dead-letters`, expected: adminRoute([200]) },
      'POST /admin/dead-letters/{id}/redrive': {
        url: () => `${api}/admin/dead-letters/none/redrive`,
        expected: adminRoute([404]),
      },
      'POST /admin/dead-letters/redrive': {
        url: () => `${api}/admin/dead-letters/redrive`,
        expected: adminRoute([202]),
      },
      'GET /admin/notifications': { url: () => `${api}/admin/notifications`, expected: adminRoute([200]) },
      'GET /admin/executions': { url: () => `${api}/admin/executions`, expected: adminRoute([200]) },
      'GET /admin/executions/{name}/history': {
        url: () => `${api}/admin/executions/${aliceOrder}/history`,
        expected: adminRoute([200]),
      },
      'GET /admin/settlements': { url: () => `${api}/admin/settlements`, expected: adminRoute([200]) },
      'GET /admin/reconciliation': { url: () => `${api}/admin/reconciliation`, expected: adminRoute([200]) },
      'POST /admin/reconciliation': { url: () => `${api}/admin/reconciliation`, expected: adminRoute([200]) },
    };
    const operations = operationsOf(document).map((operation) => `${operation.method} ${operation.path}`);
    // Every operation of the document is in the matrix, and nothing the document lacks.
    expect(Object.keys(routes).sort()).toEqual(operations.sort());
    await check(
      Object.entries(routes).map(([name, route]) => ({
        name,
        method: name.split(' ')[0] as string,
        ...route,
      })),
    );

    // Another customer's listings hold nothing of the customer's.
    for (const path of ['/orders', '/notifications']) {
      const theirs = (await (
        await fetch(`${api}${path}?limit=100`, {
          headers: { authorization: `Bearer ${tokens['another customer']}` },
        })
      ).json()) as { items: Array<{ customerId: string }> };
      expect(theirs.items.length).toBeGreaterThan(0);
      expect(theirs.items.every((item) => item.customerId === 'bob')).toBe(true);
    }
  }, 300_000);

  it('covers the front door’s own routes, the control server, the regions and the payment simulator', async () => {
    const front = platform.urls.frontDoor;
    const region = platform.urls.regions['us-east-1'] ?? '';
    const payments = platform.urls.payments;
    const routes: Route[] = [
      {
        name: 'GET /frontdoor/status',
        method: 'GET',
        url: () => `${front}/frontdoor/status`,
        expected: adminRoute([200]),
      },
      {
        name: 'POST /frontdoor/control/link/heal',
        method: 'POST',
        url: () => `${front}/frontdoor/control/link/heal`,
        expected: adminRoute([202]),
      },
      {
        name: 'GET /frontdoor/events',
        method: 'GET',
        url: () => `${front}/frontdoor/events`,
        expected: customerRoute([200], [200], [200]),
      },
      {
        name: 'POST /auth/token (a customer)',
        method: 'POST',
        url: () => `${front}/auth/token`,
        body: () => ({ user: 'carol' }),
        expected: publicRoute([200]),
      },
      {
        name: 'POST /auth/token (the admin)',
        method: 'POST',
        url: () => `${front}/auth/token`,
        body: () => ({ user: 'admin' }),
        expected: publicRoute([403]),
      },
      {
        name: 'POST /auth/sign-in-link (a forged code)',
        method: 'POST',
        url: () => `${front}/auth/sign-in-link`,
        body: () => ({ code: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' }),
        expected: publicRoute([401]),
      },
      {
        name: 'GET /auth/users',
        method: 'GET',
        url: () => `${front}/auth/users`,
        expected: publicRoute([200]),
      },
      {
        name: 'GET /auth/.well-known/jwks.json',
        method: 'GET',
        url: () => `${front}/auth/.well-known/jwks.json`,
        expected: publicRoute([200]),
      },
      {
        name: 'GET control /status',
        method: 'GET',
        url: () => `${platform.urls.control}/status`,
        expected: adminRoute([200]),
      },
      {
        name: 'POST control /link/heal',
        method: 'POST',
        url: () => `${platform.urls.control}/link/heal`,
        expected: adminRoute([202]),
      },
      {
        name: 'POST control /provider/start (already running)',
        method: 'POST',
        url: () => `${platform.urls.control}/provider/start`,
        expected: adminRoute([202]),
      },
      {
        name: 'GET region /internal/status',
        method: 'GET',
        url: () => `${region}/internal/status`,
        expected: keyRoute(),
      },
      {
        name: 'GET region /internal/replication/changes',
        method: 'GET',
        url: () => `${region}/internal/replication/changes?after=0&from=x`,
        expected: keyRoute(),
      },
      {
        name: 'PUT region /internal/link',
        method: 'PUT',
        url: () => `${region}/internal/link`,
        body: () => ({ up: true }),
        expected: keyRoute(),
      },
      {
        name: 'GET payments /v1/ledger',
        method: 'GET',
        url: () => `${payments}/v1/ledger`,
        expected: keyRoute(),
      },
      {
        name: 'GET payments /v1/authorizations?order_id=',
        method: 'GET',
        url: () => `${payments}/v1/authorizations?order_id=${aliceOrder}`,
        expected: keyRoute(),
      },
      {
        name: 'GET payments /v1/chaos',
        method: 'GET',
        url: () => `${payments}/v1/chaos`,
        expected: keyRoute(),
      },
    ];
    await check(routes);

    // The keys themselves open what they are for, and nothing else.
    const { regionKey, paymentsApiKey } = platform.credentials;
    expect(
      (await fetch(`${region}/internal/status`, { headers: { authorization: `Bearer ${regionKey}` } }))
        .status,
    ).toBe(200);
    expect(
      (await fetch(`${payments}/v1/ledger`, { headers: { authorization: `Bearer ${paymentsApiKey}` } }))
        .status,
    ).toBe(200);
    expect(
      (await fetch(`${front}/frontdoor/status`, { headers: { authorization: `Bearer ${regionKey}` } }))
        .status,
    ).toBe(401);
    expect(
      (
        await fetch(`${platform.urls.control}/status`, {
          headers: { authorization: `Bearer ${paymentsApiKey}` },
        })
      ).status,
    ).toBe(401);

    // A real one-time sign-in code opens one admin session, once.
    const code = await issuer.signInCode(`matrix-${Date.now()}`);
    const redeem = () =>
      fetch(`${front}/auth/sign-in-link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
    const first = await redeem();
    expect(first.status).toBe(200);
    const { token } = (await first.json()) as { token: string };
    expect(
      (await fetch(`${front}/frontdoor/status`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    expect((await redeem()).status).toBe(401);
  }, 300_000);
});
