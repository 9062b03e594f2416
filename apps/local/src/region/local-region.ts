import { Logger } from '@aws-lambda-powertools/logger';
import {
  InvalidEventError,
  LocalEventBus,
  OutboxRelay,
  openDatabase,
  SqliteItemStore,
  SqliteRecoveryQueries,
} from '@meridian/adapters-local';
import {
  type HttpClient,
  HttpPaymentProvider,
  LocalCarrier,
  PooledHttpClient,
  systemClock,
  systemRandom,
  systemTimers,
  UlidSource,
} from '@meridian/adapters-node';
import { EVENT_SOURCES } from '@meridian/contracts';
import { type DomainContext, NOTIFYING_EVENT_TYPES, recordNotification } from '@meridian/domain';
import { createSagaHandlers } from '@meridian/functions/saga';
import type { Database } from 'better-sqlite3';
import { withRegionKey } from '../auth/region-key';
import { duplicateOrderClaims } from './duplicate-orders';
import { createIntegrityLoops, DEFAULT_INTEGRITY_LOOPS } from './integrity-loops';
import { LocalOperations } from './local-operations';
import type { LocalRegionOptions, RegionLogger } from './region-options';
import { createRegionReplication } from './region-replication';
import { createRegionServer, jwtVerifier } from './region-server';
import { resumeInterruptedOrders } from './resume-orders';
import { createSagaRuntime } from './saga-runtime';

export type { LocalRegionOptions, RegionLogger } from './region-options';
export { regionSagaDefinition, SAGA_DEFINITION_FILE } from './saga-runtime';

/**
 * The local runtime's composition root for one region: SQLite store with outbox, relay, event bus,
 * workflow runner with the real ASL, the saga handlers, the notification consumer and the HTTP API.
 */
export function createLocalRegion(options: LocalRegionOptions) {
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const random = options.random ?? systemRandom;
  const logger: RegionLogger =
    options.logger ??
    new Logger({ serviceName: 'meridian-region', persistentKeys: { region: options.region } });
  const db: Database = options.database ?? openDatabase(options.databaseFile ?? ':memory:');
  const store = new SqliteItemStore(db, { region: options.region, clock, timers });
  const ctx: DomainContext = {
    store,
    clock,
    ids: new UlidSource(clock, random),
    region: options.region,
    regions: options.regions,
    account: '000000000000',
  };

  const bus = new LocalEventBus({
    db,
    name: `meridian-${options.region}`,
    clock,
    timers,
    random: () => random.float(),
    ...(options.busRetry ? { retry: options.busRetry } : {}),
    onError: (info) => logger.warn('bus delivery failed', { ...info }),
  });
  // One keep-alive pool for the region's calls to the payment provider and to its peers.
  const pooled = options.http ? undefined : new PooledHttpClient();
  const http: HttpClient = options.http ?? (pooled as PooledHttpClient);
  const queries = new SqliteRecoveryQueries(db);
  const duplicates = duplicateOrderClaims(ctx, logger);
  const replication = createRegionReplication({
    ...options.replication,
    http: withRegionKey(http, options.internalKey),
    timers,
    db,
    store,
    ctx,
    bus,
    peers: options.peers ?? [],
    linkUp: options.linkUp ?? true,
    logger,
    queries,
    claimsArrived: (keys) => duplicates.claimsArrived(keys),
  });
  const relay = new OutboxRelay({
    db,
    clock,
    timers,
    pruneFloor: () => replication.feed.eventsReadByAll((options.peers ?? []).map((peer) => peer.name)),
    publish: (events) => bus.putEvents(events),
    onError: (error) => logger.error('outbox relay failed', { error: String(error) }),
    rejectedIndexes: (error) =>
      error instanceof InvalidEventError ? error.issues.map((issue) => issue.index) : undefined,
  });
  store.onCommit(() => relay.notify());

  const sagaDeps = {
    ctx,
    payments: new HttpPaymentProvider({
      baseUrl: options.paymentsUrl,
      http,
      ...(options.paymentsApiKey === undefined ? {} : { apiKey: options.paymentsApiKey }),
    }),
    carrier: options.carrier ?? new LocalCarrier(),
    ...(replication.stock ? { stock: replication.stock } : {}),
  };
  const sagaHandlers = (options.sagaHandlers ?? createSagaHandlers)(sagaDeps);

  const { runner, workflow } = createSagaRuntime(
    { db, ctx, handlers: sagaHandlers, clock, timers, logger },
    options,
  );
  const integrity = createIntegrityLoops(sagaDeps, workflow, logger, {
    ...(options.integrity ?? DEFAULT_INTEGRITY_LOOPS),
    timers,
    ...(options.duplicateSweep ? { duplicateSweep: options.duplicateSweep } : {}),
  });
  duplicates.attachSweep(() => integrity.resolveDuplicatesNow());

  bus.addRule({
    name: 'order-notifications',
    // Every region's bus sees every region's events; only the order's own region notifies, so once.
    eventPattern: {
      source: [EVENT_SOURCES.orders],
      'detail-type': [...NOTIFYING_EVENT_TYPES],
      region: [options.region],
    },
    targets: [
      { id: 'notification-service', invoke: async (event) => void (await recordNotification(ctx, event)) },
    ],
  });

  const operations = new LocalOperations({
    store,
    bus,
    runner,
    relay,
    now: () => clock.now(),
    replicationCaughtUp: () => replication.puller.caughtUp(),
  });
  const { app, server } = createRegionServer(
    {
      ctx,
      workflow,
      verifier: options.verifier ?? jwtVerifier(options.keySet),
      operations,
      logger,
      reconcileNow: () => integrity.reconcileNow(),
    },
    {
      ctx,
      feed: replication.feed,
      applier: replication.applier,
      puller: replication.puller,
      link: replication.link,
      isStopping: () => replication.stopping,
      regionKey: options.internalKey,
      extraStatus: async () => ({
        outbox: { unpublished: relay.pendingCount() },
        bus: bus.stats(),
        executions: runner.counts(),
        eventLoop: options.eventLoop?.() ?? null,
        ...(await integrity.status()),
      }),
    },
  );

  return {
    app,
    /** The API plus the region-to-region endpoints under /internal: what the region process serves. */
    server,
    replication,
    ctx,
    db,
    bus,
    relay,
    runner,
    workflow,
    logger,
    integrity,
    /** Starts the background machinery and finishes whatever a previous process left unfinished. */
    async start(): Promise<{
      resumedExecutions: number;
      startedSagas: number;
      duplicateKeys: number;
      creditedTransfers: number;
    }> {
      bus.start();
      relay.start();
      const creditedTransfers = await replication.start();
      const resumed = await resumeInterruptedOrders({ ctx, queries, runner, workflow });
      integrity.start();
      return { ...resumed, creditedTransfers };
    },
    async stop(): Promise<void> {
      await replication.stop();
      await integrity.stop();
      await runner.stop();
      await relay.stop();
      await bus.stop();
      pooled?.close();
      try {
        // Read positions peers sent until now (pollers may ask until the server closes).
        replication.feed.saveAcknowledgements();
      } finally {
        db.close();
      }
    },
  };
}

export type LocalRegion = ReturnType<typeof createLocalRegion>;
