import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  compileStateMachine,
  type HttpClient,
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
  type RandomSource,
  RecoveryQueries,
  SqliteItemStore,
  substituteDefinition,
  systemRandom,
  systemTimers,
  type TaskHandler,
  type Timers,
  UlidSource,
} from '@meridian/adapters-local';
import { systemClock } from '@meridian/adapters-local/runtime';
import { EVENT_SOURCES } from '@meridian/contracts';
import {
  type Clock,
  type DomainContext,
  loadOrder,
  NOTIFYING_EVENT_TYPES,
  noteDuplicateKey,
  type OrderWorkflow,
  recordNotification,
  type SagaDependencies,
  type ShippingCarrier,
  sagaExecutionName,
  type TokenVerifier,
} from '@meridian/domain';
import { createApiApp, routeNotFound } from '@meridian/functions/api';
import { JwtTokenVerifier } from '@meridian/functions/api/jwt-token-verifier';
import { createSagaHandlers } from '@meridian/functions/saga';
import type { StateMachine } from 'aws-local-stepfunctions';
import type { Database } from 'better-sqlite3';
import { Hono } from 'hono';
import type { JWTVerifyGetKey } from 'jose';
import { isKnownPrincipal, LOCAL_AUDIENCE, LOCAL_ISSUER } from '../auth/local-issuer';
import { withRegionKey } from '../auth/region-key';
import { REPO_ROOT } from '../config/local-config';
import { closeOrderAfterUnfinishedRun } from './close-unfinished-order';
import type { EventLoopLoad } from './event-loop-monitor';
import {
  createIntegrityLoops,
  DEFAULT_INTEGRITY_LOOPS,
  type DuplicateSweep,
  type IntegrityLoopOptions,
} from './integrity-loops';
import { createInternalApi } from './internal-api';
import { LocalOperations } from './local-operations';
import { createRegionReplication } from './region-replication';
import { resumeInterruptedOrders } from './resume-orders';

export const SAGA_DEFINITION_FILE = join(REPO_ROOT, 'statemachines/order-saga.asl.json');

/** What the region logs with: Powertools' Logger in a process, anything with these four methods elsewhere. */
export type RegionLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** The saga's definition for one region, every `${...FunctionArn}` substituted with the region's local ARN. */
export function regionSagaDefinition(region: string): object {
  const aslText = readFileSync(SAGA_DEFINITION_FILE, 'utf8');
  return substituteDefinition(aslText, localFunctionArns(placeholderNames(aslText), region));
}

export interface LocalRegionOptions {
  region: string;
  regions: readonly string[];
  /** The region's SQLite file, or ':memory:' in tests; or `database`, an open one. */
  databaseFile?: string;
  /** An open database to build the region on (a simulation reopens a crashed region's committed state). */
  database?: Database;
  paymentsUrl: string;
  /** The payment provider's API key (the simulator's in local mode). */
  paymentsApiKey?: string;
  /** The issuer's keys the region verifies bearer tokens against; or `verifier`. */
  keySet?: JWTVerifyGetKey;
  /** Verifies bearer tokens (default: JWTs against `keySet`). */
  verifier?: TokenVerifier;
  /** The regions' shared key: required on this region's /internal routes and sent to its peers'. */
  internalKey: string;
  /** Every saga Retry waits this long; without it the ASL's own intervals, backoff and jitter apply. */
  retryIntervalMs?: number;
  logger?: RegionLogger;
  clock?: Clock;
  /** The timers every background loop of the region schedules with (default Node's). */
  timers?: Timers;
  /** Randomness for ids and jitter (default the system's). */
  random?: RandomSource;
  /** HTTP to the payment provider and the peers (default a pooled keep-alive node:http client). */
  http?: HttpClient;
  /** The shipping carrier (default `LocalCarrier`, in process). */
  carrier?: ShippingCarrier;
  /** The saga's state machine already validated for this region (see `compileStateMachine`). */
  sagaMachine?: StateMachine;
  /**
   * Builds the saga's Task handlers from their dependencies (default `createSagaHandlers`). A seam for
   * the simulator, which switches known bugs back on through it to prove it catches them.
   */
  sagaHandlers?: (deps: SagaDependencies) => Record<string, TaskHandler>;
  /** The duplicate sweep (default the domain's `resolveDueDuplicates`); a seam for the simulator too. */
  duplicateSweep?: DuplicateSweep;
  /** The other regions (name and direct URL) this region replicates from; none with a single region. */
  peers?: readonly Peer[];
  /** Whether the link to the peers starts up (a region restarted during a partition starts cut). */
  linkUp?: boolean;
  /** Sagas run at once; more wait (persisted) so a burst of orders does not starve order intake. */
  sagaConcurrency?: number;
  /**
   * Changes per replication pull (default 500), how long a peer holds a pull open when it has nothing new
   * (default 1000 ms), and how long a start waits for the peers' changes before it resumes its own orders
   * (default 2000 ms; the region reports itself degraded until caught up).
   */
  replication?: { batchSize?: number; waitMs?: number; catchUpMs?: number };
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
  const queries = new RecoveryQueries(db);
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

  const definition = regionSagaDefinition(options.region);
  const runner = new LocalWorkflowRunner({
    db,
    definition,
    machine: options.sagaMachine ?? compileStateMachine(definition),
    handlers: sagaHandlers,
    ...(options.retryIntervalMs === undefined ? {} : { retryIntervalMs: options.retryIntervalMs }),
    ...(options.sagaConcurrency ? { maxConcurrent: options.sagaConcurrency } : {}),
    clock,
    timers,
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
  const integrity = createIntegrityLoops(sagaDeps, workflow, logger, {
    ...(options.integrity ?? DEFAULT_INTEGRITY_LOOPS),
    timers,
    ...(options.duplicateSweep ? { duplicateSweep: options.duplicateSweep } : {}),
  });

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
    verifier: options.verifier ?? jwtVerifier(options.keySet),
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

function jwtVerifier(keySet: JWTVerifyGetKey | undefined): TokenVerifier {
  if (!keySet) throw new Error('a region needs the issuer keySet or a token verifier');
  return new JwtTokenVerifier({
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    keySet,
    knownSubject: isKnownPrincipal,
  });
}
