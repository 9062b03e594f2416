import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, expectSecurityHeaders } from './support/answers';
import { type EdgeDoor, startEdgeDoor } from './support/edge-kit';
import { rawRequest } from './support/raw-http';

// Every way of writing "go up" a server behind the front door might understand.
const UP = [
  '..',
  '%2e%2e',
  '%2E%2E',
  '.%2e',
  '%2e.',
  '%252e%252e',
  '%c0%ae%c0%ae',
  '%ef%bc%8e%ef%bc%8e',
  '..;',
];
const SEPARATORS = ['/', '%2f', '%2F', '\\', '%5c', '%5C'];
const PREFIXES = [
  '/api/v1/',
  '/api/v1/products/',
  '/api/v1/orders/x/',
  '/',
  '/assets/',
  '/frontdoor/',
  '/auth/',
];
const INTERNAL: Array<[string, string]> = [
  ['GET', 'internal/status'],
  ['GET', 'internal/replication/changes?after=0&limit=2000&from=x'],
  ['PUT', 'internal/link'],
  ['POST', 'internal/inventory/transfers'],
];

function traversalTargets(): Array<[string, string]> {
  const targets: Array<[string, string]> = [];
  for (const prefix of PREFIXES)
    for (const up of UP)
      for (const separator of SEPARATORS)
        for (const [method, internal] of INTERNAL) {
          const depth = 1 + ((prefix.length + up.length) % 3);
          targets.push([
            method,
            `${prefix}${Array.from({ length: depth }, () => up).join(separator)}${separator}${internal}`,
          ]);
        }
  return targets;
}

describe('the front door as an edge', () => {
  let door: EdgeDoor;
  let admin: string;
  let alice: string;

  beforeAll(async () => {
    door = await startEdgeDoor({
      limits: { perAddressPerSecond: 100_000, perPrincipalPerSecond: 100_000, eventStreamsPerPrincipal: 4 },
      timeouts: { headersTimeoutMs: 800, requestTimeoutMs: 1500 },
    });
    [admin, alice] = [await door.token('admin'), await door.token('alice')];
  });
  afterAll(async () => {
    await door?.close();
  });

  it(`never lets a traversal reach a region's internal routes (${traversalTargets().length} encodings)`, async () => {
    const targets = traversalTargets();
    expect(targets.length).toBeGreaterThan(1000);
    for (let i = 0; i < targets.length; i += 50) {
      const answers = await Promise.all(
        targets.slice(i, i + 50).map(async ([method, target]) => {
          const response = await rawRequest(door.url, {
            method,
            target,
            headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
            ...(method === 'GET' ? {} : { body: '{"up":false}' }),
          });
          return { target, response };
        }),
      );
      for (const { target, response } of answers) {
        expectSecurityHeaders(response, target);
        // A GET outside /api may get the web app's shell (client-side routes); nothing else succeeds.
        const shell = response.status === 200 && /^text\/html/.test(response.headers['content-type'] ?? '');
        if (shell && !target.startsWith('/api/')) continue;
        expect(response.status, target).toBeGreaterThanOrEqual(400);
        expect(response.status, target).toBeLessThan(500);
        expectProblem(response, target);
      }
    }
    for (const region of door.regions) expect(region.internalHits()).toEqual([]);
  });

  it('refuses absolute-form and odd request targets before routing', async () => {
    const regionUrl = door.regions[0]?.url ?? '';
    for (const target of [
      `${regionUrl}/internal/status`,
      'http://localhost/internal/link',
      `${regionUrl}/api/v1/products`,
      '*',
      '//internal/status',
      '/api/v1//products',
      '/api/v1/products/%00',
      '/api/v1/orders/%0d%0aX-Injected:%20yes',
    ]) {
      const response = await rawRequest(door.url, { method: 'GET', target });
      expect(response.status, target).toBe(400);
      expectProblem(response, target);
    }
    for (const region of door.regions) expect(region.received).toEqual([]);
  });

  it('forwards only the public API: anything else under /api is a 404 at the front door', async () => {
    for (const [method, target] of [
      ['GET', '/api/v1/internal/status'],
      ['DELETE', '/api/v1/orders/x'],
      ['PUT', '/api/v1/orders'],
      ['OPTIONS', '/api/v1/orders'],
      ['TRACE', '/api/v1/products'],
      ['GET', '/api/v2/products'],
      ['GET', '/api/v1/products/MUG-001/../../../internal/status'],
    ] as const) {
      const response = await rawRequest(door.url, { method, target });
      expect([400, 404], `${method} ${target}`).toContain(response.status);
      expectProblem(response, target);
    }
    expect((await rawRequest(door.url, { method: 'GET', target: '/api/v1/products?limit=5' })).status).toBe(
      200,
    );
    for (const region of door.regions) expect(region.internalHits()).toEqual([]);
  });

  it('answers no CORS preflight: a page of another site cannot call the API with a token', async () => {
    const preflight = await rawRequest(door.url, {
      method: 'OPTIONS',
      target: '/api/v1/orders',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.status).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
  });

  it.each([
    ['POST', '/frontdoor/control/regions/us-east-1/kill'],
    ['POST', '/frontdoor/control/regions/us-east-1/start'],
    ['POST', '/frontdoor/control/link/cut'],
    ['GET', '/frontdoor/status'],
    ['GET', '/frontdoor/events'],
  ])('refuses cross-site and simple requests on %s %s', async (method, target) => {
    const cases: Array<[string, Record<string, string>, string?]> = [
      ['a form post with no token', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1'],
      [
        'a text/plain post with no token',
        { 'content-type': 'text/plain', origin: 'https://evil.example' },
        '{}',
      ],
      [
        'an admin token from another site',
        { authorization: `Bearer ${admin}`, origin: 'https://evil.example' },
      ],
      [
        'an admin token, Sec-Fetch-Site cross-site',
        { authorization: `Bearer ${admin}`, 'sec-fetch-site': 'cross-site' },
      ],
      [
        'an admin token, Sec-Fetch-Site same-site',
        { authorization: `Bearer ${admin}`, 'sec-fetch-site': 'same-site' },
      ],
      ['an admin token from a sandboxed frame', { authorization: `Bearer ${admin}`, origin: 'null' }],
      ['a customer token', { authorization: `Bearer ${alice}` }],
    ];
    for (const [what, headers, body] of cases) {
      if (target === '/frontdoor/events' && what === 'a customer token') continue; // Customers may watch their own.
      const response = await rawRequest(door.url, {
        method,
        target,
        headers,
        ...(body === undefined ? {} : { body }),
        timeoutMs: 3000,
      });
      expect([401, 403], `${what}: ${response.status} ${response.body}`).toContain(response.status);
      expectProblem(response, what);
      expectSecurityHeaders(response, what);
    }
  });

  it('sends the security headers on pages, assets, API answers and every refusal', async () => {
    const cases: Array<[string, string, Record<string, string>?]> = [
      ['GET', '/'],
      ['GET', '/orders/123'],
      ['GET', '/assets/app.js'],
      ['GET', '/api/v1/products'],
      ['GET', '/auth/users'],
      ['GET', '/api/v1/nope'],
      ['GET', '/frontdoor/status'],
      ['GET', '/api/v1/%2e%2e/internal/status'],
      ['GET', '/frontdoor/status', { authorization: `Bearer ${alice}` }],
    ];
    for (const [method, target, headers] of cases) {
      const response = await rawRequest(door.url, { method, target, ...(headers ? { headers } : {}) });
      expectSecurityHeaders(response, `${method} ${target} (${response.status})`);
    }
  });

  it('serves no source map unless asked to', async () => {
    const map = await rawRequest(door.url, { method: 'GET', target: '/assets/app.js.map' });
    expect(map.status).toBe(404);
    expect(map.body).not.toContain('secret.ts');
    const withMaps = await startEdgeDoor({ serveSourceMaps: true });
    try {
      const served = await rawRequest(withMaps.url, { method: 'GET', target: '/assets/app.js.map' });
      expect(served.status).toBe(200);
      expect(served.body).toContain('secret.ts');
    } finally {
      await withMaps.close();
    }
  });

  it('answers oversized headers, bodies and targets with a problem, and forwards none of them', async () => {
    const before = door.regions.reduce((count, region) => count + region.received.length, 0);
    const headers = await rawRequest(door.url, {
      method: 'GET',
      target: '/api/v1/products',
      headers: { 'x-padding': 'a'.repeat(20_000) },
    });
    expect(headers.status).toBe(431);
    expectProblem(headers, 'oversized headers');
    expectSecurityHeaders(headers, 'oversized headers');
    const body = await rawRequest(door.url, {
      method: 'POST',
      target: '/api/v1/orders',
      headers: {
        authorization: `Bearer ${alice}`,
        'content-type': 'application/json',
        'idempotency-key': 'big',
      },
      body: Buffer.alloc(1024 * 1024 + 1, 'a'),
    });
    expect(body.status).toBe(413);
    expectProblem(body, 'oversized body');
    const target = await rawRequest(door.url, {
      method: 'GET',
      target: `/api/v1/products?c=${'a'.repeat(5000)}`,
    });
    expect(target.status).toBe(414);
    expectProblem(target, 'oversized target');
    const malformed = await rawRequest(door.url, { method: 'GET', target: '/api/v1/products\u0001' });
    expect(malformed.status).toBe(400);
    expectProblem(malformed, 'malformed request line');
    expect(door.regions.reduce((count, region) => count + region.received.length, 0)).toBe(before);
  });

  it('cuts off a client that sends its headers or its body too slowly (408), without forwarding it', async () => {
    const before = door.regions.reduce((count, region) => count + region.received.length, 0);
    const { connect } = await import('node:net');
    const slowHeaders = await new Promise<{ text: string; ms: number }>((resolve) => {
      const started = Date.now();
      const socket = connect(Number(new URL(door.url).port), '127.0.0.1', () =>
        socket.write('GET /api/v1/products HTTP/1.1\r\nhost: x\r\n'),
      );
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('close', () => resolve({ text, ms: Date.now() - started }));
    });
    expect(slowHeaders.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(slowHeaders.text).toContain('"code":"request_timeout"');
    expect(slowHeaders.ms).toBeLessThan(5000);
    const slowBody = await rawRequest(door.url, {
      method: 'POST',
      target: '/api/v1/orders',
      headers: { 'content-type': 'application/json', 'content-length': '200', 'idempotency-key': 'slow' },
      body: '{"items":',
      timeoutMs: 6000,
    });
    expect([400, 408]).toContain(slowBody.status);
    expect(door.regions.reduce((count, region) => count + region.received.length, 0)).toBe(before);
  });
});
