import type { Logger } from '@aws-lambda-powertools/logger';
import type { Peer, TaskHandler } from '@meridian/adapters-local';
import type { HttpClient, RandomSource, Timers } from '@meridian/adapters-node';
import type { Clock, SagaDependencies, ShippingCarrier, TokenVerifier } from '@meridian/domain';
import type { StateMachine } from 'aws-local-stepfunctions';
import type { Database } from 'better-sqlite3';
import type { JWTVerifyGetKey } from 'jose';
import type { EventLoopLoad } from './event-loop-monitor';
import type { DuplicateSweep, IntegrityLoopOptions } from './integrity-loops';

/** What the region logs with: Powertools' Logger in a process, anything with these four methods elsewhere. */
export type RegionLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

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
