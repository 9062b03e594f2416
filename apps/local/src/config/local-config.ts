import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { LOCAL_PAYMENTS_API_KEY } from '../payment-simulator/api-key';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

const envSchema = z.object({
  MERIDIAN_DATA_DIR: z.string().min(1).default(join(REPO_ROOT, '.meridian')),
  MERIDIAN_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  MERIDIAN_REGIONS: z
    .string()
    .default('us-east-1,eu-west-1')
    .transform((value) =>
      value
        .split(',')
        .map((region) => region.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'regions look like us-east-1')).min(1)),
  MERIDIAN_REGION_BASE_PORT: z.coerce.number().int().min(1).max(65000).default(8081),
  MERIDIAN_PAYMENTS_PORT: z.coerce.number().int().min(1).max(65535).default(8090),
  // Empty means unset, as for the simulator process, which reads the same variable.
  MERIDIAN_PAYMENTS_API_KEY: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().min(1).default(LOCAL_PAYMENTS_API_KEY),
  ),
  MERIDIAN_CONTROL_PORT: z.coerce.number().int().min(1).max(65535).default(8079),
  MERIDIAN_RETRY_INTERVAL_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  MERIDIAN_SAGA_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  MERIDIAN_ROUTING: z.enum(['failover', 'home-region']).default('failover'),
  MERIDIAN_PRIMARY_REGION: z.string().optional(),
  MERIDIAN_HEALTH_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  MERIDIAN_HEALTH_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(10).default(2),
});

/** Local-mode settings, all from the environment with working defaults (see docs/local-mode.md). */
export interface LocalConfig {
  dataDir: string;
  frontDoorPort: number;
  regions: Array<{ name: string; port: number; url: string }>;
  paymentsPort: number;
  /** The launcher's control server (kill/start regions, cut/heal the link); loopback only. */
  controlUrl: string;
  paymentsUrl: string;
  /** Sent by the regions to the payment simulator, which requires it on payment operations. */
  paymentsApiKey: string;
  /** Saga retries wait this long locally instead of the ASL's seconds-long backoff. */
  retryIntervalMs: number;
  /** Sagas a region runs at once; the rest wait, persisted, in order. */
  sagaConcurrency: number;
  issuerKeyFile: string;
  /** Front door routing: failover to the primary (default: the first region), or each client's home region. */
  routing: { kind: 'failover'; primary: string } | { kind: 'home-region'; defaultRegion: string };
  /** The failover primary; it also seeds the demo catalog on first start. */
  primaryRegion: string;
  health: { intervalMs: number; failureThreshold: number };
  webRoot: string;
  logDir: string;
}

export function loadLocalConfig(env: NodeJS.ProcessEnv = process.env): LocalConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid Meridian environment: ${problems}`);
  }
  const e = parsed.data;
  const primary = e.MERIDIAN_PRIMARY_REGION ?? (e.MERIDIAN_REGIONS[0] as string);
  if (!e.MERIDIAN_REGIONS.includes(primary))
    throw new Error(`MERIDIAN_PRIMARY_REGION ${primary} is not in MERIDIAN_REGIONS`);
  return {
    dataDir: resolve(e.MERIDIAN_DATA_DIR),
    frontDoorPort: e.MERIDIAN_PORT,
    regions: e.MERIDIAN_REGIONS.map((name, index) => {
      const port = e.MERIDIAN_REGION_BASE_PORT + index;
      return { name, port, url: `http://127.0.0.1:${port}` };
    }),
    paymentsPort: e.MERIDIAN_PAYMENTS_PORT,
    controlUrl: `http://127.0.0.1:${e.MERIDIAN_CONTROL_PORT}`,
    paymentsUrl: `http://127.0.0.1:${e.MERIDIAN_PAYMENTS_PORT}`,
    paymentsApiKey: e.MERIDIAN_PAYMENTS_API_KEY,
    retryIntervalMs: e.MERIDIAN_RETRY_INTERVAL_MS,
    sagaConcurrency: e.MERIDIAN_SAGA_CONCURRENCY,
    issuerKeyFile: join(resolve(e.MERIDIAN_DATA_DIR), 'issuer-keys.json'),
    primaryRegion: primary,
    routing:
      e.MERIDIAN_ROUTING === 'failover'
        ? { kind: 'failover', primary }
        : { kind: 'home-region', defaultRegion: primary },
    health: {
      intervalMs: e.MERIDIAN_HEALTH_INTERVAL_MS,
      failureThreshold: e.MERIDIAN_HEALTH_FAILURE_THRESHOLD,
    },
    webRoot: join(REPO_ROOT, 'apps/web/dist'),
    logDir: join(resolve(e.MERIDIAN_DATA_DIR), 'logs'),
  };
}
