import { GroupCommit } from '@meridian/adapters-local/sqlite';
import { sleep, systemTimers, type Timers } from '@meridian/adapters-node';
import type Database from 'better-sqlite3';
import { Hono } from 'hono';
import { secretMatcher } from '../auth/local-secrets';
import { apiError, errorResponse, jsonResponse, validationError } from './api-error';
import { IdempotencyStore } from './idempotency-store';
import { LedgerStore } from './ledger-store';
import { PaymentOperations, type SimulatorClock, type SimulatorIdGenerator } from './payment-operations';
import { paymentRoutes } from './routes';
import { chaosUpdateSchema } from './schemas';

export interface ChaosConfig {
  /** Delay added to every /v1 request before it is handled. */
  latencyMs: number;
  /** Probability (0..1) that a non-GET /v1 request fails with 503 before any effect. */
  errorRate: number;
  /** Injected so tests decide which requests fail. */
  random: () => number;
}

export interface PaymentSimulatorOptions {
  /** The simulator's own database; tables are created here if missing. */
  db: Database.Database;
  clock: SimulatorClock;
  ids: SimulatorIdGenerator;
  chaos: ChaosConfig;
  /**
   * When set, every /v1 route needs `Authorization: Bearer <apiKey>`, as Stripe's do: payment operations,
   * the ledger and look-ups (they show every order's payments), and the chaos control (it fails payments).
   */
  apiKey?: string;
  /** The timers the simulated latency and the group commit wait with (default Node's). */
  timers?: Timers;
}

// The control plane stays reachable under chaos, otherwise errorRate=1 could never be turned off.
const CONTROL_PATHS = new Set(['/v1/chaos']);

export function createPaymentSimulatorApp(options: PaymentSimulatorOptions): Hono {
  const { db, clock, ids } = options;
  db.pragma('journal_mode = WAL');
  // As in the regions: WAL + NORMAL keeps every commit across a process kill without an fsync per commit.
  db.pragma('synchronous = NORMAL');
  const ledger = new LedgerStore(db);
  const idempotency = new IdempotencyStore(db);
  const operations = new PaymentOperations(ledger, clock, ids);
  const chaos: ChaosConfig = { ...options.chaos };
  const timers = options.timers ?? systemTimers;

  const app = new Hono();

  app.get('/health', (c) => c.json({ status: 'ok' }));

  const apiKeyMatches = options.apiKey === undefined ? undefined : secretMatcher(options.apiKey);
  app.use('/v1/*', async (c, next) => {
    if (apiKeyMatches !== undefined) {
      const presented = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
      if (!apiKeyMatches(presented)) {
        const message =
          presented === undefined
            ? 'You did not provide an API key: send it as Authorization: Bearer <key>.'
            : 'Invalid API Key provided.';
        return errorResponse(401, apiError('invalid_request_error', 'api_key_invalid', message));
      }
    }
    if (CONTROL_PATHS.has(c.req.path)) return next();
    if (chaos.latencyMs > 0) await sleep(timers, chaos.latencyMs);
    if (c.req.method !== 'GET' && chaos.random() < chaos.errorRate) {
      const message =
        'Simulated provider outage (chaos); nothing was applied, retry with the same Idempotency-Key.';
      return errorResponse(503, apiError('api_error', 'simulated_outage', message));
    }
    return next();
  });

  app.get('/v1/chaos', (c) => c.json(chaosView(chaos)));
  app.put('/v1/chaos', async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    const parsed = chaosUpdateSchema.safeParse(body);
    if (!parsed.success) return errorResponse(400, validationError(parsed.error));
    chaos.latencyMs = parsed.data.latencyMs ?? chaos.latencyMs;
    chaos.errorRate = parsed.data.errorRate ?? chaos.errorRate;
    return c.json(chaosView(chaos));
  });

  const commits = new GroupCommit(db, { timers });
  app.route('/', paymentRoutes({ commits, ledger, idempotency, operations, clock }));

  app.notFound((c) => {
    const message = `Unrecognized request URL (${c.req.method}: ${c.req.path}).`;
    return errorResponse(404, apiError('invalid_request_error', 'route_not_found', message));
  });
  app.onError((error) => {
    const body = apiError('api_error', 'internal_error', `Payment simulator failed: ${error.message}`);
    return jsonResponse(500, JSON.stringify(body));
  });

  return app;
}

function chaosView(chaos: ChaosConfig): { latencyMs: number; errorRate: number } {
  return { latencyMs: chaos.latencyMs, errorRate: chaos.errorRate };
}
