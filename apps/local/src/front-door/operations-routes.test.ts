import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frontDoorStatusSchema } from '@meridian/contracts';
import { JwtTokenVerifier } from '@meridian/functions/api/jwt-token-verifier';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isKnownPrincipal, LOCAL_AUDIENCE, LOCAL_ISSUER, LocalIssuer } from '../auth/local-issuer';
import { ClientLimits, DEFAULT_CLIENT_LIMITS } from './client-limits';
import { HealthChecker, type RegionTarget } from './health-checker';
import { registerOperationsRoutes } from './operations-routes';
import type { FrontDoorEnv } from './operator-access';

const REGION_KEY = 'rk_operations_routes_test_key_0123456789abcdef';
let keyDir: string;
let issuer: LocalIssuer;
const bearer = async (user: string) => ({ authorization: `Bearer ${await issuer.issue(user)}` });

beforeAll(async () => {
  keyDir = mkdtempSync(join(tmpdir(), 'meridian-operations-'));
  issuer = await LocalIssuer.open(join(keyDir, 'issuer-keys.json'));
});
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));

/**
 * A stand-in for a region's internal API, enough for the front door's status and event stream: the head
 * of its event feed, the long-polled feed itself, and switches to make it fail.
 */
class FakeRegion {
  readonly events: Array<{ seq: number; event: Record<string, unknown> & { id: string } }> = [];
  /** Requests that came without the regions' key (and were refused, as a region does). */
  unauthenticated = 0;
  /** Every request's connection is dropped, as when the process is gone. */
  down = false;
  /** The next head requests fail (connection dropped), while the feed still answers. */
  headFailures = 0;
  /** Feed polls answer 503 (a region that is stopping) while true; the head still answers. */
  pollsRefused = false;
  refusedPolls = 0;
  /** Head requests received, answered or not. */
  headRequests = 0;
  answeredHeads = 0;
  url = '';
  private readonly server: Server;
  private waiting: Array<() => void> = [];

  constructor(readonly name: string) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  commit(id: string, event: Record<string, unknown> = {}): void {
    this.events.push({ seq: this.events.length + 1, event: { id, region: this.name, ...event } });
    for (const wake of this.waiting.splice(0)) wake();
  }

  async close(): Promise<void> {
    for (const wake of this.waiting.splice(0)) wake();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname === '/internal/replication/events/head') this.headRequests++;
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${REGION_KEY}`) {
      this.unauthenticated++;
      return json(401, { code: 'unauthenticated' });
    }
    if (url.pathname === '/internal/replication/events/head') {
      if (this.headFailures > 0) {
        this.headFailures--;
        req.socket.destroy();
        return;
      }
      this.answeredHeads++;
      return json(200, { seq: this.events.length });
    }
    if (url.pathname === '/internal/replication/events') {
      if (this.pollsRefused) {
        this.refusedPolls++;
        return json(503, { code: 'stopping', detail: 'The region is stopping.' });
      }
      const after = Number(url.searchParams.get('after'));
      const limit = Number(url.searchParams.get('limit') ?? 200);
      const newer = () => this.events.filter((item) => item.seq > after).slice(0, limit);
      if (newer().length === 0) {
        // A short long-poll: answers as soon as something is committed.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 100);
          this.waiting.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return json(200, { items: newer() });
    }
    json(404, { code: 'not_found' });
  }
}

/** Reads an SSE response into messages as they arrive. */
function readSse(response: Response) {
  const messages: Array<{ event: string; data: string }> = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const done = (async () => {
    for (;;) {
      const { value, done: ended } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (ended) return;
      buffer += decoder.decode(value, { stream: true });
      for (let boundary = buffer.indexOf('\n\n'); boundary >= 0; boundary = buffer.indexOf('\n\n')) {
        const lines = buffer.slice(0, boundary).split('\n');
        buffer = buffer.slice(boundary + 2);
        messages.push({
          event:
            lines
              .find((line) => line.startsWith('event:'))
              ?.slice(6)
              .trim() ?? 'message',
          data: lines
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join(''),
        });
      }
    }
  })();
  return {
    messages,
    /** Ids of the `event` messages received so far, in order. */
    ids: () =>
      messages
        .filter((message) => message.event === 'event')
        .map((message) => (JSON.parse(message.data) as { id: string }).id),
    close: async () => {
      await reader.cancel();
      await done;
    },
  };
}

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeRegions(...names: string[]): Promise<FakeRegion[]> {
  const regions = await Promise.all(names.map((name) => new FakeRegion(name).listen()));
  cleanups.push(() => Promise.all(regions.map((region) => region.close())).then(() => undefined));
  return regions;
}

/** A loopback URL nothing listens on. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

function operations(
  regions: readonly RegionTarget[],
  checker?: HealthChecker,
  limits = new ClientLimits(DEFAULT_CLIENT_LIMITS),
): Hono<FrontDoorEnv> {
  const app = new Hono<FrontDoorEnv>();
  registerOperationsRoutes(app, {
    regions,
    policy: { kind: 'failover', primary: regions[0]?.name ?? '' },
    checker: checker ?? new HealthChecker({ regions, intervalMs: 1000, failureThreshold: 1 }),
    verifier: new JwtTokenVerifier({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      keySet: issuer.keySet(),
      knownSubject: isKnownPrincipal,
    }),
    limits,
    regionKey: REGION_KEY,
    regionEvents: { retryMs: 20, waitMs: 100 },
  });
  return app;
}

async function openStream(app: Hono<FrontDoorEnv>, user = 'admin') {
  const response = await app.request('/frontdoor/events', { headers: await bearer(user) });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const stream = readSse(response);
  cleanups.push(() => stream.close());
  await until('ready', () => stream.messages.some((message) => message.event === 'ready'));
  return stream;
}

describe('GET /frontdoor/status', () => {
  it('names no serving region when every region is unhealthy, else the first healthy one by policy', async () => {
    // Nothing listens on these: the per-region details come back empty, health is what the checker says.
    const targets = [
      { name: 'us-east-1', url: await closedUrl() },
      { name: 'eu-west-1', url: await closedUrl() },
    ];

    const checker = new HealthChecker({ regions: targets, intervalMs: 1000, failureThreshold: 1 });
    const app = operations(targets, checker);
    const admin = await bearer('admin');
    // Read with the contract's schema: the answer is the shape the CLI, console and chaos tool read.
    const status = async () =>
      frontDoorStatusSchema.parse(await (await app.request('/frontdoor/status', { headers: admin })).json());

    expect((await status()).serving).toBe('us-east-1');
    checker.reportFailure('us-east-1', 'connection refused');
    expect((await status()).serving).toBe('eu-west-1');
    checker.reportFailure('eu-west-1', 'connection refused');
    const down = await status();
    expect(down.regions.map((region) => region.healthy)).toEqual([false, false]);
    expect(down.serving).toBeNull();
  });
});

describe('GET /frontdoor/events', () => {
  it('streams only what a region commits after its head is known, when its head did not answer at first', async () => {
    const [us, eu] = (await fakeRegions('us-east-1', 'eu-west-1')) as [FakeRegion, FakeRegion];
    us.commit('us-1');
    // eu-west-1 still holds events committed long before the stream began, and its head request fails
    // while the stream gets ready (its feed answers).
    for (const id of ['eu-1', 'eu-2', 'eu-3']) eu.commit(id);
    eu.headFailures = 1;

    const stream = await openStream(operations([us, eu]));
    await until("eu-west-1's head to be read", () => eu.answeredHeads >= 1);
    us.commit('us-2');
    eu.commit('eu-4');
    await until('both new events', () => stream.ids().includes('us-2') && stream.ids().includes('eu-4'));
    // Give a wrongly started feed time to show the old events too.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(stream.ids().sort()).toEqual(['eu-4', 'us-2']);
  });

  it('keeps a region unknown while it is down, then streams from the head it first answers', async () => {
    const [us, eu] = (await fakeRegions('us-east-1', 'eu-west-1')) as [FakeRegion, FakeRegion];
    for (const id of ['eu-1', 'eu-2']) eu.commit(id);
    eu.down = true;

    const stream = await openStream(operations([us, eu]));
    // It comes back after the front door has asked for its head in vain at least once more.
    const asked = eu.headRequests;
    await until('another head request to eu-west-1', () => eu.headRequests > asked);
    eu.down = false;
    await until("eu-west-1's head to be read", () => eu.answeredHeads >= 1);
    eu.commit('eu-3');
    await until('eu-3', () => stream.ids().includes('eu-3'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(stream.ids()).toEqual(['eu-3']);
  });

  it('after failed polls resumes from the last event delivered, not from the current head', async () => {
    const [us, eu] = (await fakeRegions('us-east-1', 'eu-west-1')) as [FakeRegion, FakeRegion];
    eu.commit('eu-1');
    // us-east-1 has committed nothing yet: its head is 0.
    const stream = await openStream(operations([us, eu]));
    eu.commit('eu-2');
    await until('eu-2', () => stream.ids().includes('eu-2'));

    // Both regions refuse polls for a while (stopping, restarting) but keep committing and answering
    // their heads. The events are committed once the polls in flight have ended (refused).
    us.pollsRefused = true;
    eu.pollsRefused = true;
    await until('refused polls', () => us.refusedPolls >= 1 && eu.refusedPolls >= 1);
    us.commit('us-1');
    us.commit('us-2');
    eu.commit('eu-3');
    const refused = { us: us.refusedPolls, eu: eu.refusedPolls };
    await until(
      'more refused polls',
      () => us.refusedPolls > refused.us + 1 && eu.refusedPolls > refused.eu + 1,
    );
    us.pollsRefused = false;
    eu.pollsRefused = false;
    us.commit('us-3');

    await until('us-3 and eu-3', () => stream.ids().includes('us-3') && stream.ids().includes('eu-3'));
    expect(stream.ids().filter((id) => id.startsWith('us'))).toEqual(['us-1', 'us-2', 'us-3']);
    expect(stream.ids().filter((id) => id.startsWith('eu'))).toEqual(['eu-2', 'eu-3']);
  });
});

describe('who may use the operations routes', () => {
  it('answers the status and control routes to an admin only', async () => {
    const [us] = await fakeRegions('us-east-1');
    const app = operations([us as FakeRegion]);
    const forged = { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.' };
    for (const [method, path] of [
      ['GET', '/frontdoor/status'],
      ['POST', '/frontdoor/control/regions/us-east-1/kill'],
      ['POST', '/frontdoor/control/link/cut'],
    ] as const) {
      for (const [headers, status] of [
        [{}, 401],
        [forged, 401],
        [await bearer('alice'), 403],
        [{ ...(await bearer('admin')), origin: 'https://evil.example', host: 'localhost:8080' }, 403],
        [{ ...(await bearer('admin')), 'sec-fetch-site': 'cross-site' }, 403],
      ] as const) {
        const response = await app.request(path, { method, headers });
        expect(response.status, `${method} ${path} ${JSON.stringify(headers).slice(0, 60)}`).toBe(status);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
      }
    }
    expect((await app.request('/frontdoor/status', { headers: await bearer('admin') })).status).toBe(200);
    // Its status was read with the regions' key.
    expect(us?.unauthenticated).toBe(0);
  });

  it('streams events to a signed-in principal only: a customer sees their own orders, an admin everything', async () => {
    const [us] = (await fakeRegions('us-east-1')) as [FakeRegion];
    const app = operations([us]);
    expect((await app.request('/frontdoor/events')).status).toBe(401);
    const alice = await openStream(app, 'alice');
    const admin = await openStream(app, 'admin');
    us.commit('alice-order', { source: 'meridian.orders', detail: { customerId: 'alice', orderId: 'o1' } });
    us.commit('bob-order', { source: 'meridian.orders', detail: { customerId: 'bob', orderId: 'o2' } });
    us.commit('product', { source: 'meridian.catalog', detail: { sku: 'MUG-001' } });
    await until('the admin to see all three', () => admin.ids().length === 3);
    expect(admin.ids()).toEqual(['alice-order', 'bob-order', 'product']);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(alice.ids()).toEqual(['alice-order']);
    expect(us.unauthenticated).toBe(0);
  });

  it('caps the live streams one principal holds open, and frees a place when one closes', async () => {
    const [us] = (await fakeRegions('us-east-1')) as [FakeRegion];
    const app = operations(
      [us],
      undefined,
      new ClientLimits({ ...DEFAULT_CLIENT_LIMITS, eventStreamsPerPrincipal: 2 }),
    );
    const first = await openStream(app, 'bob');
    await openStream(app, 'bob');
    const refused = await app.request('/frontdoor/events', { headers: await bearer('bob') });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ code: 'too_many_streams' });
    // Another principal is not affected.
    await openStream(app, 'carol');
    await first.close();
    // The place comes back once the front door sees the client leave.
    let again = await app.request('/frontdoor/events', { headers: await bearer('bob') });
    for (let tries = 0; again.status === 429 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      again = await app.request('/frontdoor/events', { headers: await bearer('bob') });
    }
    expect(again.status).toBe(200);
    await again.body?.cancel();
  });
});
