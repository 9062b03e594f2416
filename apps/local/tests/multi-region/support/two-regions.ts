import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { afterAll, beforeAll } from 'vitest';
import type { LocalIssuer } from '../../../src/auth/local-issuer';
import { seedDemoCatalog } from '../../../src/catalog/demo-catalog';
import type { ChaosConfig } from '../../../src/payment-simulator/app';
import { createLocalRegion } from '../../../src/region/local-region';
import {
  type ApiResponse,
  type OrderView,
  paymentSimulatorClient,
  startTestScaffold,
  TERMINAL,
  type TestRegion,
  waitFor,
} from '../../support/region-harness';
import { type ClusterRegion, createClusterRegion, freePort } from './cluster-region';

export {
  archivedEventsOf,
  type ClusterRegion,
  freePort,
  httpRequest,
  type RegionStatus,
  storedItem,
  TestClock,
} from './cluster-region';

/**
 * N regions in one process over real HTTP (each with its own temporary SQLite file and fixed port, so a
 * region can be stopped and started again on the same file and address), one payment simulator and one
 * JWT issuer. Set MERIDIAN_TEST_LOG_LEVEL=DEBUG to see the regions' logs.
 */

export const US = 'us-east-1';
export const EU = 'eu-west-1';
export const AP = 'ap-southeast-2';

export interface Cluster {
  dir: string;
  issuer: LocalIssuer;
  /** The key every region requires on its /internal routes. */
  regionKey: string;
  regions: ClusterRegion[];
  payments: TestRegion['payments'];
  get(name: string): ClusterRegion;
  token(user: string): Promise<string>;
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
  /** Replication pull size and start-up catch-up time of every region (LocalRegionOptions). */
  replication?: { batchSize?: number; catchUpMs?: number };
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const names = options.regions ?? [US, EU];
  const { dir, simulator, issuer, regionKey, cleanups, close } = await startTestScaffold(
    'meridian-multi-region-',
    options.chaos,
  );
  try {
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
        regionKey,
        create: (databaseFile, clock) =>
          createLocalRegion({
            internalKey: regionKey,
            region: name,
            regions: names,
            databaseFile,
            paymentsUrl: simulator.url,
            keySet: issuer.keySet(),
            retryIntervalMs: 5,
            peers: names.filter((peer) => peer !== name).map((peer) => ({ name: peer, url: originOf(peer) })),
            linkUp: true,
            busRetry: { baseDelayMs: 10, maxDelayMs: 100 },
            ...(options.replication ? { replication: options.replication } : {}),
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
      regionKey,
      regions,
      payments: paymentSimulatorClient(simulator.url),
      get(name) {
        const region = regions.find((candidate) => candidate.name === name);
        if (!region) throw new Error(`no region ${name}`);
        return region;
      },
      token(user) {
        let token = tokens.get(user);
        if (!token) {
          token = issuer.issue(user);
          tokens.set(user, token);
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

/**
 * For a test file: starts us-east-1 and eu-west-1 before its tests (and waits until they have converged),
 * hands them to `started`, and closes them after the tests.
 */
export function useTwoRegions(
  started: (regions: { cluster: Cluster; us: ClusterRegion; eu: ClusterRegion }) => void,
): void {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    cluster = await startCluster();
    started({ cluster, us: cluster.get(US), eu: cluster.get(EU) });
    await cluster.waitForConvergence();
  });
  afterAll(async () => {
    await cluster?.close();
  });
}
