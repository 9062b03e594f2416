import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignInRedemptions } from '../../src/auth/sign-in-links';
import { createFrontDoor, type FrontDoor } from '../../src/front-door/front-door';
import { HealthChecker } from '../../src/front-door/health-checker';
import type { RoutingPolicy } from '../../src/front-door/routing-policy';
import { newKey, orderBody, waitFor } from '../support/region-harness';
import { type Cluster, type ClusterRegion, EU, startCluster, US } from './support/two-regions';

/**
 * The front door in front of two live regions: failover and home-region routing, retries of what may be
 * repeated (GET/HEAD, POST with an Idempotency-Key) and nothing else, and Route 53-style health checks
 * that take a dead region out of rotation after `failureThreshold` failed probes and back after one success.
 */
interface RunningDoor {
  door: FrontDoor;
  server: Server;
  url: string;
}

describe('front door routing and failover', () => {
  let cluster: Cluster;
  let us: ClusterRegion;
  let eu: ClusterRegion;
  /** Probes every 100 ms, unhealthy after 2 consecutive failures. */
  let checker: HealthChecker;
  let failover: RunningDoor;
  let homeRegion: RunningDoor;
  /** Same failover policy, but health checks that have not noticed anything yet: per-request behaviour only. */
  let unnoticed: RunningDoor;
  const doors: RunningDoor[] = [];
  /** When the primary's server was closed. */
  let closedAt = 0;
  /** Origins the front doors forwarded to, in order. */
  const forwarded: string[] = [];

  const send = async (
    door: RunningDoor,
    path: string,
    init: { method?: string; headers?: Record<string, string>; json?: unknown } = {},
  ) => {
    const response = await fetch(
      new Request(`${door.url}/api/v1${path}`, {
        method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
        headers: {
          ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      }),
    );
    const text = await response.text();
    return {
      status: response.status,
      region: response.headers.get('x-meridian-region'),
      attempts: Number(response.headers.get('x-meridian-attempts')),
      contentType: response.headers.get('content-type'),
      body: (text && /json/.test(response.headers.get('content-type') ?? '')
        ? JSON.parse(text)
        : text) as Record<string, unknown>,
    };
  };

  const frontDoor = async (policy: RoutingPolicy, health: HealthChecker): Promise<RunningDoor> => {
    const door = createFrontDoor({
      regions: cluster.regions.map(({ name, origin }) => ({ name, url: origin })),
      policy,
      checker: health,
      issuer: cluster.issuer,
      regionKey: cluster.regionKey,
      redemptions: new SignInRedemptions(join(cluster.dir, 'sign-in-links-used')),
      proxyTimeoutMs: 5_000,
      onForward: (region) => forwarded.push(new URL(region.url).origin),
    });
    const server = createServer(door.listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const running = { door, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    doors.push(running);
    return running;
  };

  beforeAll(async () => {
    cluster = await startCluster();
    us = cluster.get(US);
    eu = cluster.get(EU);
    const targets = cluster.regions.map(({ name, origin }) => ({ name, url: origin }));
    checker = new HealthChecker({ regions: targets, intervalMs: 100, failureThreshold: 2 });
    checker.start();
    failover = await frontDoor({ kind: 'failover', primary: US }, checker);
    homeRegion = await frontDoor({ kind: 'home-region', defaultRegion: US }, checker);
    unnoticed = await frontDoor(
      { kind: 'failover', primary: US },
      new HealthChecker({ regions: targets, intervalMs: 100, failureThreshold: 1_000 }),
    );
    await cluster.waitForConvergence();
  });

  afterAll(async () => {
    checker?.stop();
    for (const { door, server } of doors) {
      door.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await cluster?.close();
  });

  it('sends everything to the primary while it is healthy', async () => {
    await waitFor(async () =>
      checker.snapshot().every((region) => region.lastCheckedAt) ? true : undefined,
    );
    expect(checker.snapshot().map((region) => [region.name, region.healthy])).toEqual([
      [US, true],
      [EU, true],
    ]);
    const products = await send(failover, '/products');
    expect(products).toMatchObject({ status: 200, region: US, attempts: 1 });
    const token = await cluster.token('alice');
    const placed = await send(failover, '/orders', {
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': newKey('fd') },
      json: orderBody(),
    });
    expect(placed).toMatchObject({ status: 202, region: US, attempts: 1, body: { region: US } });
  });

  it('forwards a GET that announces a body without announcing one, keeping its connection to the region in step', async () => {
    forwarded.length = 0;
    const answer = await new Promise<{ status: number; region: string | undefined }>((resolve, reject) => {
      const outgoing = request(
        `${failover.url}/api/v1/products`,
        { method: 'GET', headers: { 'content-length': '5' } },
        (response) => {
          response.resume();
          resolve({
            status: response.statusCode ?? 0,
            region: response.headers['x-meridian-region'] as string,
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end('hello');
    });
    expect(answer).toEqual({ status: 200, region: US });
    // The kept-alive connection to the region is still in step: the next requests on it are answered.
    for (let i = 0; i < 3; i++) {
      expect(await send(failover, '/products')).toMatchObject({ status: 200, region: US, attempts: 1 });
    }
    expect(forwarded).toEqual([us.origin, us.origin, us.origin, us.origin]);
    expect(checker.isHealthy(US)).toBe(true);
  });

  it('refuses a body too large to buffer with 413 problem+json, without reaching a region', async () => {
    forwarded.length = 0;
    const response = await fetch(`${failover.url}/api/v1/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': newKey('fd-large') },
      body: JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // The front door's own answer: no region answered, so none is named (docs/api.md).
    expect(response.headers.get('x-meridian-region')).toBeNull();
    expect(await response.json()).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(forwarded).toEqual([]);
  });

  it('home-region policy sends each client to the region named in x-meridian-home-region', async () => {
    const home = (region?: string) =>
      send(homeRegion, '/products', region ? { headers: { 'x-meridian-home-region': region } } : {});
    expect(await home(EU)).toMatchObject({ status: 200, region: EU, attempts: 1 });
    expect(await home(US)).toMatchObject({ status: 200, region: US, attempts: 1 });
    expect(await home()).toMatchObject({ status: 200, region: US, attempts: 1 });
    expect(await home('mars-1')).toMatchObject({ status: 200, region: US, attempts: 1 });
  });

  it('with the primary down, repeats a GET and a keyed POST on the other region, never a POST without a key', async () => {
    await us.closeServer();
    closedAt = Date.now();

    forwarded.length = 0;
    const products = await send(unnoticed, '/products');
    expect(products).toMatchObject({ status: 200, region: EU, attempts: 2 });
    expect(forwarded).toEqual([us.origin, eu.origin]);

    const token = await cluster.token('bob');
    forwarded.length = 0;
    const unkeyed = await send(unnoticed, '/orders', {
      headers: { authorization: `Bearer ${token}` },
      json: orderBody(),
    });
    expect(unkeyed.status).toBe(502);
    expect(unkeyed.attempts).toBe(1);
    expect(unkeyed.region).toBeNull();
    expect(unkeyed.contentType).toMatch(/^application\/problem\+json/);
    expect(unkeyed.body).toMatchObject({
      type: 'https://meridian.example/problems/no_region_available',
      status: 502,
      code: 'no_region_available',
    });
    expect(String(unkeyed.body.detail)).toMatch(/not repeated elsewhere/);
    expect(forwarded).toEqual([us.origin]);

    forwarded.length = 0;
    const key = newKey('fd-failover');
    const keyed = await send(unnoticed, '/orders', {
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
      json: orderBody(),
    });
    expect(keyed).toMatchObject({
      status: 202,
      region: EU,
      attempts: 2,
      body: { region: EU, customerId: 'bob' },
    });
    expect(forwarded).toEqual([us.origin, eu.origin]);
    expect((await cluster.waitForTerminal(eu, String(keyed.body.orderId), token)).status).toBe('CONFIRMED');
  });

  it('marks the dead primary unhealthy after the threshold and then routes straight to the other region', async () => {
    await waitFor(async () => (checker.isHealthy(US) ? undefined : true), {
      timeoutMs: 3_000,
      what: 'us-east-1 to be marked unhealthy',
    });
    const detectedMs = Date.now() - closedAt;
    const usHealth = checker.snapshot().find((region) => region.name === US);
    expect(usHealth).toMatchObject({ healthy: false });
    expect(usHealth?.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(usHealth?.lastError).toEqual(expect.any(String));
    expect(checker.isHealthy(EU)).toBe(true);
    if (process.env.MERIDIAN_TEST_REPORT)
      console.info(`front door: us-east-1 unhealthy ${detectedMs} ms after it closed`);
    // Two failed probes 100 ms apart (plus the test's own steps): well under a second or two.
    expect(detectedMs).toBeLessThan(2_500);

    forwarded.length = 0;
    expect(await send(failover, '/products')).toMatchObject({ status: 200, region: EU, attempts: 1 });
    expect(forwarded).toEqual([eu.origin]);
    // The home-region policy falls back too: us-east-1's clients are served by eu-west-1.
    const home = await send(homeRegion, '/products', { headers: { 'x-meridian-home-region': US } });
    expect(home).toMatchObject({ status: 200, region: EU, attempts: 1 });
  });

  it('serves from the primary again after its next successful probe', async () => {
    await us.listen();
    const restartedAt = Date.now();
    await waitFor(async () => (checker.isHealthy(US) ? true : undefined), {
      timeoutMs: 3_000,
      what: 'us-east-1 to be healthy again',
    });
    expect(Date.now() - restartedAt).toBeLessThan(1_500);
    expect(checker.snapshot().find((region) => region.name === US)).toMatchObject({
      healthy: true,
      consecutiveFailures: 0,
    });
    forwarded.length = 0;
    expect(await send(failover, '/products')).toMatchObject({ status: 200, region: US, attempts: 1 });
    expect(forwarded).toEqual([us.origin]);
  });
});
