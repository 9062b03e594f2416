import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { PeerStatus } from '@meridian/adapters-local';
import type { EventEnvelope } from '@meridian/contracts';
import type { Allotment, Clock } from '@meridian/domain';
import type { LocalRegion } from '../../../src/region/local-region';
import { type ApiResponse, httpRequest, type RequestOptions } from '../../support/region-harness';

export { httpRequest };

/**
 * One region of a test cluster: its current LocalRegion instance, served over HTTP on a fixed port, that a
 * test can take off the network, stop, and start again on the same database file and address.
 */

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

export { freePort } from '../../support/ports';

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

export function createClusterRegion(spec: {
  name: string;
  origin: string;
  port: number;
  databaseFile: string;
  /** The key the region requires on its /internal routes. */
  regionKey: string;
  create: (databaseFile: string, clock: Clock) => LocalRegion;
}): ClusterRegion {
  const internal = { authorization: `Bearer ${spec.regionKey}` };
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
      const response = await httpRequest<RegionStatus>(`${spec.origin}/internal/status`, {
        headers: internal,
      });
      if (response.status !== 200) throw new Error(`status of ${spec.name}: HTTP ${response.status}`);
      return response.body;
    },
    async setLink(up) {
      const response = await httpRequest(`${spec.origin}/internal/link`, {
        method: 'PUT',
        json: { up },
        headers: internal,
      });
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

/** Every event of one order in a region's bus archive (its own and replicated ones), in archive order. */
export function archivedEventsOf(region: ClusterRegion, orderId: string): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  let cursor: string | undefined;
  do {
    const page = region.region.bus.listArchivedEvents({ limit: 100, ...(cursor ? { cursor } : {}) });
    events.push(...page.items.map((item) => item.event));
    cursor = page.nextCursor;
  } while (cursor);
  return events.filter((event) => (event.detail as { orderId?: string }).orderId === orderId);
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
