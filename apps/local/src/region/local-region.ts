import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  HttpPaymentProvider,
  InvalidEventError,
  LocalCarrier,
  LocalEventBus,
  LocalWorkflowRunner,
  localFunctionArns,
  OutboxRelay,
  openDatabase,
  type Peer,
  PooledHttpClient,
  placeholderNames,
  RecoveryQueries,
  SqliteItemStore,
  substituteDefinition,
  UlidSource,
} from '@meridian/adapters-local';
import { EVENT_SOURCES } from '@meridian/contracts';
import {
  type Clock,
  type DomainContext,
  loadOrder,
  NOTIFYING_EVENT_TYPES,
  noteDuplicateKey,
  type OrderWorkflow,
  recordNotification,
  sagaExecutionName,
} from '@meridian/domain';
import { createApiApp, routeNotFound } from '@meridian/functions/api';
import { JwtTokenVerifier } from '@meridian/functions/api/jwt-token-verifier';
import { createSagaHandlers } from '@meridian/functions/saga';
import type { Database } from 'better-sqlite3';
import { Hono } from 'hono';
import type { JWTVerifyGetKey } from 'jose';
import { isKnownPrincipal, LOCAL_AUDIENCE, LOCAL_ISSUER } from '../auth/local-issuer';
import { withRegionKey } from '../auth/region-key';
import { REPO_ROOT } from '../config/local-config';
import { closeOrderAfterUnfinishedRun } from './close-unfinished-order';
import type { EventLoopLoad } from './event-loop-monitor';
import { createIntegrityLoops, DEFAULT_INTEGRITY_LOOPS, type IntegrityLoopOptions } from './integrity-loops';
import { createInternalApi } from './internal-api';
import { LocalOperations } from './local-operations';
import { createRegionReplication } from './region-replication';
import { resumeInterruptedOrders } from './resume-orders';

export const SAGA_DEFINITION_FILE = join(REPO_ROOT, 'statemachines/order-saga.asl.json');

export interface LocalRegionOptions {
  region: string;
  regions: readonly string[];
  /** The region's SQLite file, or ':memory:' in tests. */
  databaseFile: string;
  paymentsUrl: string;
  /** The payment provider's API key (the simulator's in local mode). */
  paymentsApiKey?: string;
  keySet: JWTVerifyGetKey;
  /** The regions' shared key: required on this region's /internal routes and sent to its peers'. */
  internalKey: string;
  retryIntervalMs: number;
  logger?: Logger;
  clock?: Clock;
  /** The other regions (name and direct URL) this region replicates from; none with a single region. */
  peers?: readonly Peer[];
  /** Whether the link to the peers starts up (a region restarted during a partition starts cut). */
  linkUp?: boolean;
  /** Sagas run at once; more wait (persisted) so a burst of orders does not starve order intake. */
  sagaConcurrency?: number;
  /**
   * Changes per replication pull (default 500) and how long a start waits for the peers' changes before
   * it resumes its own orders (default 2000 ms; the region reports itself degraded until caught up).
   */
  replication?: { batchSize?: number; catchUpMs?: number };
  /** Bus delivery retries (default: 5 attempts with backoff from 100 ms); tests shorten them. */
  busRetry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** How busy the process's event loop is, for the status (a region that is its own process). */
  eventLoop?: () => EventLoopLoad;
  /** Settlement, payment reconciler and duplicate sweep timings (tests shorten them). */
  integrity?: IntegrityLoopOptions;
}

/**
 * The local runtime's composition root for one region: SQLite store with outbox, relay, event bus,
 * workflow runner with the real ASL, the saga handlers, the notification consumer and the HTTP API.
 */
export function createLocalRegion(options: LocalRegionOptions) {
  const clock = options.clock ?? { now: () => Date.now() };
  const logger =
    options.logger ??
    new Logger({ serviceName: 'meridian-region', persistentKeys: { region: options.region } });
  const db: Database = openDatabase(options.databaseFile);
  const store = new SqliteItemStore(db, { region: options.region, clock });
  const ctx: DomainContext = {
    store,
    clock,
    ids: new UlidSource(clock),
    region: options.region,
    regions: options.regions,
    account: '000000000000',
  };

  const bus = new LocalEventBus({
    db,
    name: `meridian-${options.region}`,
    clock,
    ...(options.busRetry ? { retry: options.busRetry } : {}),
    onError: (info) => logger.warn('bus delivery failed', { ...info }),
  });
  // One keep-alive pool for the region's calls to the payment provider and to its peers.
  const http = new PooledHttpClient();
  const queries = new RecoveryQueries(db);
  const replication = createRegionReplication({
    ...options.replication,
    http: withRegionKey(http, options.internalKey),
    db,
    store,
    ctx,
    bus,
    peers: options.peers ?? [],
    linkUp: options.linkUp ?? true,
    logger,
    queries,
    claimsArrived: async (keys) => {
      let noted = 0;
      for (const key of keys) if (await noteDuplicateKey(ctx, key)) noted++;
      if (noted === 0) return;
      logger.warn(
        'another region accepted an Idempotency-Key this region also accepted: deciding which order is kept',
        {
          keys: noted,
        },
      );
      // Decided off the replication path: the sweep may wait for the orders' outcomes.
      integrity
        .resolveDuplicatesNow()
        .catch((error: unknown) => logger.error('duplicate sweep failed', { error: String(error) }));
    },
  });
  const relay = new OutboxRelay({
    db,
    clock,
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
    carrier: new LocalCarrier(),
    ...(replication.stock ? { stock: replication.stock } : {}),
  };
  const sagaHandlers = createSagaHandlers(sagaDeps);

  const aslText = readFileSync(SAGA_DEFINITION_FILE, 'utf8');
  const definition = substituteDefinition(
    aslText,
    localFunctionArns(placeholderNames(aslText), options.region),
  );
  const runner = new LocalWorkflowRunner({
    db,
    definition,
    handlers: sagaHandlers,
    retryIntervalMs: options.retryIntervalMs,
    ...(options.sagaConcurrency ? { maxConcurrent: options.sagaConcurrency } : {}),
    clock,
    logger: {
      info: (message, extra) => logger.debug(message, { ...extra }),
      error: (message, extra) => logger.error(message, { ...extra }),
    },
    onExecutionFinished: (execution) => {
      logger.info('saga finished', {
        correlation_id: (execution.input as { orderId?: string }).orderId,
        execution: execution.name,
        status: execution.status,
      });
      closeOrderAfterUnfinishedRun(execution, { workflow, isPending })
        .then((started) => {
          if (started)
            logger.warn('a saga ended without closing its order: compensating and closing it', {
              execution: execution.name,
              status: execution.status,
            });
        })
        .catch((error: unknown) =>
          logger.error('could not start the run that closes an unfinished order', {
            execution: execution.name,
            error: String(error),
          }),
        );
    },
  });
  const isPending = async (orderId: string) =>
    (await loadOrder(ctx.store, orderId))?.value.status === 'PENDING';
  const workflow: OrderWorkflow = {
    startOrderSaga: async (orderId, mode) => {
      try {
        await runner.start(sagaExecutionName(orderId, mode), { orderId, mode });
      } catch (error) {
        // After a commit the domain does not fail the request for it: the region's start resumes the order.
        logger.warn('order saga not started; the next start of this region resumes it', {
          orderId,
          mode,
          error: String(error),
        });
        throw error;
      }
    },
  };
  const integrity = createIntegrityLoops(
    sagaDeps,
    workflow,
    logger,
    options.integrity ?? DEFAULT_INTEGRITY_LOOPS,
  );

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
    db,
    bus,
    runner,
    relay,
    now: () => clock.now(),
    replicationCaughtUp: () => replication.puller.caughtUp(),
  });
  const app = createApiApp({
    ctx,
    workflow,
    verifier: new JwtTokenVerifier({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      keySet: options.keySet,
      knownSubject: isKnownPrincipal,
    }),
    operations,
    logger,
    reconcileNow: () => integrity.reconcileNow(),
  });

  const internal = createInternalApi({
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
  });
  const server = new Hono();
  server.route('/internal', internal);
  server.route('/', app);
  // route() copies the API's routes and middleware but not its notFound handler: without this, unknown
  // paths and wrong methods would get Hono's text/plain 404 instead of the API's problem+json.
  server.notFound(routeNotFound);

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
      http.close();
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
