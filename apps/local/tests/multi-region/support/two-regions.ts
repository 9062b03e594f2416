import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { serve } from '@hono/node-server';
import type { PeerStatus } from '@meridian/adapters-local';
import type { Allotment, Clock } from '@meridian/domain';
import { LocalIssuer } from '../../../src/auth/local-issuer';
import { seedDemoCatalog } from '../../../src/catalog/demo-catalog';
import type { ChaosConfig } from '../../../src/payment-simulator/app';
import { startPaymentSimulator } from '../../../src/payment-simulator/server';
import { createLocalRegion, type LocalRegion } from '../../../src/region/local-region';
import {
  type ApiResponse,
  type LedgerEntry,
  type OrderView,
  type RequestOptions,
  TERMINAL,
  waitFor,
} from '../../support/region-harness';

/**
 * N regions in one process over real HTTP (each with its own temporary SQLite file and fixed port, so a
 * region can be stopped and started again on the same file and address), one payment simulator and one
 * JWT issuer. Set MERIDIAN_TEST_LOG_LEVEL=DEBUG to see the regions' logs.
 */

export const US = 'us-east-1';
export const EU = 'eu-west-1';

/** A clock a test can freeze (to force equal version stamps in two regions) and release. */
export class TestClock implements Clock {
  private frozenAt: number | undefined;

  now(): number {
    return this.frozenAt ?? Date.now();
  }

  freeze(at: number): void {
    this.frozenAt = at;
  }

  release(): void {
    this.frozenAt = undefined;
  }
}

export interface RegionStatus {
  region: string;
  link: 'up' | 'cut';
  replication: {
    peers: PeerStatus[];
    conflicts: number;
    recentConflicts: Array<{
      pk: string;
      sk: string;
      local: { updatedAt: number; writerRegion: string };
      remote: { updatedAt: number; writerRegion: string };
      winner: 'local' | 'remote';
      detectedAt: number;
    }>;
  };
}

export interface ClusterRegion {
  readonly name: string;
  /** e.g. http://127.0.0.1:5123 (fixed for the cluster's lifetime) */
  readonly origin: string;
  readonly databaseFile: string;
  readonly clock: TestClock;
  /** The current instance (a new one after restart()). */
  readonly region: LocalRegion;
  readonly running: boolean;
  readonly listening: boolean;
  /** What the last start() reported (sagas resumed, transfers credited). */
  readonly lastStart: Awaited<ReturnType<LocalRegion['start']>> | undefined;
  /** Starts the current instance's background machinery (replication, relay, bus, resumption). */
  start(): Promise<void>;
  /** Serves the current instance on the region's port again. */
  listen(): Promise<void>;
  /** Closes the HTTP server (connections included); the region itself keeps running. */
  closeServer(): Promise<void>;
  /** Closes the HTTP server and stops the region (its database is closed). */
  stop(): Promise<void>;
  /** A new instance on the same database file and port, started: what a process restart does. */
  restart(): Promise<void>;
  /** Any API request; `path` is relative to /api/v1. */
  request<T = unknown>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  status(): Promise<RegionStatus>;
  setLink(up: boolean): Promise<void>;
  /** This region's own allotment of a SKU, read from its own database (the owner's view). */
  ownAllotment(sku: string): Allotment | undefined;
}

export interface Cluster {
  dir: string;
  issuer: LocalIssuer;
  regions: ClusterRegion[];
  payments: {
    url: string;
    ledger(orderId: string): Promise<LedgerEntry[]>;
    setChaos(chaos: Partial<Pick<ChaosConfig, 'latencyMs' | 'errorRate'>>): Promise<void>;
  };
  get(name: string): ClusterRegion;
  token(user: string, admin?: boolean): Promise<string>;
  /** Cuts or heals the link on every running region (PUT /internal/link). */
  setLink(up: boolean): Promise<void>;
  /**
   * Waits until every running region has applied every change and event every other running region
   * committed, and nothing new was committed meanwhile (credits of replicated transfers included).
   */
  waitForConvergence(timeoutMs?: number): Promise<void>;
  placeOrder(
    region: ClusterRegion,
    body: unknown,
    options: { token: string; key: string },
  ): Promise<ApiResponse<OrderView>>;
  getOrder(region: ClusterRegion, orderId: string, token: string): Promise<OrderView>;
  waitForTerminal(
    region: ClusterRegion,
    orderId: string,
    token: string,
    timeoutMs?: number,
  ): Promise<OrderView>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  regions?: string[];
  /** Seed the demo catalog in the first region (default true). */
  seed?: boolean;
  chaos?: Partial<Pick<ChaosConfig, 'latencyMs' | 'errorRate'>>;
}

/** A port that was free a moment ago (regions need their peers' URLs before they listen). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function httpRequest<T>(url: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(url, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await response.text();
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  return {
    status: response.status,
    headers: response.headers,
    body: (isJson && text ? JSON.parse(text) : text) as T,
  };
}

function listenOn(
  fetchHandler: (request: Request) => Response | Promise<Response>,
  port: number,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: fetchHandler, port, hostname: '127.0.0.1' }, () => {
      server.off('error', reject);
      resolve(server as Server);
    }) as Server;
    server.once('error', reject);
  });
}

function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const names = options.regions ?? [US, EU];
  const dir = mkdtempSync(join(tmpdir(), 'meridian-multi-region-'));
  const cleanups: Array<() => Promise<void> | void> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const simulator = await startPaymentSimulator({
      dbPath: join(dir, 'payments.sqlite'),
      port: 0,
      chaos: { latencyMs: options.chaos?.latencyMs ?? 0, errorRate: options.chaos?.errorRate ?? 0 },
    });
    cleanups.push(() => simulator.close());
    const issuer = await LocalIssuer.open(join(dir, 'issuer-keys.json'));
    const ports = new Map<string, number>();
    for (const name of names) ports.set(name, await freePort());
    const originOf = (name: string) => `http://127.0.0.1:${ports.get(name)}`;
    const logLevel = (process.env.MERIDIAN_TEST_LOG_LEVEL ?? 'SILENT') as LogLevel;

    const regions = names.map((name) =>
      createClusterRegion({
        name,
        origin: originOf(name),
        port: ports.get(name) as number,
        databaseFile: join(dir, `${name}.sqlite`),
        create: (databaseFile, clock) =>
          createLocalRegion({
            region: name,
            regions: names,
            databaseFile,
            paymentsUrl: simulator.url,
            keySet: issuer.keySet(),
            retryIntervalMs: 5,
            peers: names.filter((peer) => peer !== name).map((peer) => ({ name: peer, url: originOf(peer) })),
            linkUp: true,
            busRetry: { baseDelayMs: 10, maxDelayMs: 100 },
            clock,
            logger: new Logger({
              serviceName: 'meridian-multi-region-test',
              logLevel,
              persistentKeys: { region: name },
            }),
          }),
      }),
    );
    cleanups.push(async () => {
      for (const region of regions) await region.stop();
    });
    if (options.seed ?? true) {
      const first = regions[0];
      if (first) await seedDemoCatalog(first.region.ctx);
    }
    for (const region of regions) await region.listen();
    for (const region of regions) await region.start();

    const tokens = new Map<string, Promise<string>>();
    const cluster: Cluster = {
      dir,
      issuer,
      regions,
      payments: {
        url: simulator.url,
        async ledger(orderId) {
          const response = await fetch(
            `${simulator.url}/v1/ledger?order_id=${encodeURIComponent(orderId)}&limit=100`,
          );
          if (!response.ok) throw new Error(`ledger: HTTP ${response.status}`);
          return ((await response.json()) as { data: LedgerEntry[] }).data;
        },
        async setChaos(chaos) {
          const response = await fetch(`${simulator.url}/v1/chaos`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(chaos),
          });
          if (!response.ok) throw new Error(`chaos: HTTP ${response.status} ${await response.text()}`);
        },
      },
      get(name) {
        const region = regions.find((candidate) => candidate.name === name);
        if (!region) throw new Error(`no region ${name}`);
        return region;
      },
      token(user, admin = false) {
        const key = `${user}:${admin}`;
        let token = tokens.get(key);
        if (!token) {
          token = issuer.issue(user, { admin });
          tokens.set(key, token);
        }
        return token;
      },
      async setLink(up) {
        for (const region of regions) if (region.running) await region.setLink(up);
      },
      waitForConvergence: (timeoutMs = 15_000) => waitForConvergence(regions, timeoutMs),
      placeOrder(region, body, { token, key }) {
        return region.request<OrderView>('/orders', {
          token,
          json: body,
          headers: { 'idempotency-key': key },
        });
      },
      async getOrder(region, orderId, token) {
        const response = await region.request<OrderView>(`/orders/${encodeURIComponent(orderId)}`, { token });
        if (response.status !== 200)
          throw new Error(
            `GET order ${orderId} in ${region.name}: ${response.status} ${JSON.stringify(response.body)}`,
          );
        return response.body;
      },
      waitForTerminal(region, orderId, token, timeoutMs = 15_000) {
        return waitFor(
          async () => {
            const order = await cluster.getOrder(region, orderId, token);
            const cancelling = order.status === 'CONFIRMED' && order.cancelRequested;
            return TERMINAL.includes(order.status) && !cancelling ? order : undefined;
          },
          { timeoutMs, intervalMs: 20, what: `order ${orderId} to end in ${region.name}` },
        );
      },
      close,
    };
    return cluster;
  } catch (error) {
    await close();
    throw error;
  }
}

function createClusterRegion(spec: {
  name: string;
  origin: string;
  port: number;
  databaseFile: string;
  create: (databaseFile: string, clock: Clock) => LocalRegion;
}): ClusterRegion {
  const clock = new TestClock();
  let region = spec.create(spec.databaseFile, clock);
  let running = true;
  let server: Server | undefined;
  let lastStart: ClusterRegion['lastStart'];
  const node: ClusterRegion = {
    name: spec.name,
    origin: spec.origin,
    databaseFile: spec.databaseFile,
    clock,
    get region() {
      return region;
    },
    get running() {
      return running;
    },
    get listening() {
      return server !== undefined;
    },
    get lastStart() {
      return lastStart;
    },
    async start() {
      lastStart = await region.start();
    },
    async listen() {
      if (server) return;
      // The port was just released by this same region: retry briefly if the OS has not let go of it yet.
      for (let attempt = 1; ; attempt++) {
        try {
          server = await listenOn(region.server.fetch, spec.port);
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    },
    async closeServer() {
      const current = server;
      server = undefined;
      if (current) await closeHttpServer(current);
    },
    async stop() {
      await node.closeServer();
      if (!running) return;
      running = false;
      // Answer the peers' pending long-polls now, while the database is still open (see the report: a
      // long-poll left waiting across region.stop() reads the closed database).
      region.replication.feed.notify();
      await region.stop();
    },
    async restart() {
      await node.stop();
      region = spec.create(spec.databaseFile, clock);
      running = true;
      await node.listen();
      await node.start();
    },
    request(path, options) {
      return httpRequest(`${spec.origin}/api/v1${path}`, options);
    },
    async status() {
      const response = await httpRequest<RegionStatus>(`${spec.origin}/internal/status`);
      if (response.status !== 200) throw new Error(`status of ${spec.name}: HTTP ${response.status}`);
      return response.body;
    },
    async setLink(up) {
      const response = await httpRequest(`${spec.origin}/internal/link`, { method: 'PUT', json: { up } });
      if (response.status !== 200) throw new Error(`link of ${spec.name}: HTTP ${response.status}`);
    },
    ownAllotment(sku) {
      const row = region.db
        .prepare('SELECT data FROM items WHERE pk = ? AND sk = ?')
        .get(`STOCK#${sku}`, `ALLOTMENT#${spec.name}`) as { data: string } | undefined;
      return row && (JSON.parse(row.data) as Allotment);
    },
  };
  return node;
}

async function waitForConvergence(regions: readonly ClusterRegion[], timeoutMs: number): Promise<void> {
  let previous = '';
  let stableChecks = 0;
  await waitFor(
    async () => {
      const running = regions.filter((region) => region.running);
      const heads = running.map((region) => ({
        name: region.name,
        changes: region.region.replication.feed.headSeq('changes'),
        events: region.region.replication.feed.headSeq('events'),
        unpublished: region.region.relay.pendingCount(),
      }));
      let caughtUp = heads.every((head) => head.unpublished === 0);
      for (const reader of running) {
        for (const source of heads) {
          if (source.name === reader.name) continue;
          const applier = reader.region.replication.applier;
          if (applier.cursor(source.name, 'changes') < source.changes) caughtUp = false;
          if (applier.cursor(source.name, 'events') < source.events) caughtUp = false;
        }
      }
      const fingerprint = JSON.stringify(heads);
      stableChecks = caughtUp && fingerprint === previous ? stableChecks + 1 : 0;
      previous = fingerprint;
      return stableChecks >= 3 ? true : undefined;
    },
    { timeoutMs, intervalMs: 25, what: 'the regions to converge' },
  );
}

/** The item as stored in a region's database (stamp included), or undefined. */
export function storedItem(
  region: ClusterRegion,
  pk: string,
  sk: string,
): { data: Record<string, unknown>; updatedAt: number; writerRegion: string; version: number } | undefined {
  const row = region.region.db
    .prepare(
      'SELECT data, updated_at AS updatedAt, writer_region AS writerRegion, version FROM items WHERE pk = ? AND sk = ?',
    )
    .get(pk, sk) as { data: string; updatedAt: number; writerRegion: string; version: number } | undefined;
  return row && { ...row, data: JSON.parse(row.data) as Record<string, unknown> };
}
