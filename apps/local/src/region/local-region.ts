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
  placeholderNames,
  SqliteItemStore,
  substituteDefinition,
  UlidSource,
} from '@meridian/adapters-local';
import { EVENT_SOURCES } from '@meridian/contracts';
import {
  type Clock,
  type DomainContext,
  NOTIFYING_EVENT_TYPES,
  type OrderWorkflow,
  recordNotification,
  sagaExecutionName,
} from '@meridian/domain';
import { createApiApp } from '@meridian/functions/api';
import { JwtTokenVerifier } from '@meridian/functions/api/jwt-token-verifier';
import { createSagaHandlers } from '@meridian/functions/saga';
import type { Database } from 'better-sqlite3';
import type { JWTVerifyGetKey } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../auth/local-issuer';
import { REPO_ROOT } from '../config/local-config';
import { LocalOperations } from './local-operations';
import { resumeInterruptedOrders } from './resume-orders';

export const SAGA_DEFINITION_FILE = join(REPO_ROOT, 'statemachines/order-saga.asl.json');

export interface LocalRegionOptions {
  region: string;
  regions: readonly string[];
  /** The region's SQLite file, or ':memory:' in tests. */
  databaseFile: string;
  paymentsUrl: string;
  keySet: JWTVerifyGetKey;
  retryIntervalMs: number;
  logger?: Logger;
  clock?: Clock;
  /** Bus delivery retries (default: 5 attempts with backoff from 100 ms); tests shorten them. */
  busRetry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
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
  const relay = new OutboxRelay({
    db,
    clock,
    publish: (events) => bus.putEvents(events),
    onError: (error) => logger.error('outbox relay failed', { error: String(error) }),
    rejectedIndexes: (error) =>
      error instanceof InvalidEventError ? error.issues.map((issue) => issue.index) : undefined,
  });
  store.onCommit(() => relay.notify());

  const sagaHandlers = createSagaHandlers({
    ctx,
    payments: new HttpPaymentProvider({ baseUrl: options.paymentsUrl }),
    carrier: new LocalCarrier(),
  });
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
    clock,
    logger: {
      info: (message, extra) => logger.debug(message, { ...extra }),
      error: (message, extra) => logger.error(message, { ...extra }),
    },
    onExecutionFinished: (execution) =>
      logger.info('saga finished', {
        correlation_id: (execution.input as { orderId?: string }).orderId,
        execution: execution.name,
        status: execution.status,
      }),
  });
  const workflow: OrderWorkflow = {
    startOrderSaga: async (orderId, mode) => {
      await runner.start(sagaExecutionName(orderId, mode), { orderId, mode });
    },
  };

  bus.addRule({
    name: 'order-notifications',
    eventPattern: { source: [EVENT_SOURCES.orders], 'detail-type': [...NOTIFYING_EVENT_TYPES] },
    targets: [
      { id: 'notification-service', invoke: async (event) => void (await recordNotification(ctx, event)) },
    ],
  });

  const operations = new LocalOperations({ db, bus, runner, relay, now: () => clock.now() });
  const app = createApiApp({
    ctx,
    workflow,
    verifier: new JwtTokenVerifier({
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      keySet: options.keySet,
    }),
    operations,
    logger,
  });

  return {
    app,
    ctx,
    db,
    bus,
    relay,
    runner,
    workflow,
    logger,
    /** Starts the background machinery and finishes whatever a previous process left unfinished. */
    async start(): Promise<{ resumedExecutions: number; startedSagas: number }> {
      bus.start();
      relay.start();
      return resumeInterruptedOrders({ db, runner, workflow, region: options.region });
    },
    async stop(): Promise<void> {
      await runner.stop();
      await relay.stop();
      await bus.stop();
      db.close();
    },
  };
}

export type LocalRegion = ReturnType<typeof createLocalRegion>;
