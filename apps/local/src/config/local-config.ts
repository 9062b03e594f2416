import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { type KeyFiles, keyFilesIn } from '../auth/local-keys';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

const envSchema = z.object({
  MERIDIAN_DATA_DIR: z.string().min(1).default(join(REPO_ROOT, '.meridian')),
  // Loopback unless the operator exposes the front door on purpose (the launcher then warns).
  MERIDIAN_HOST: z
    .string()
    .default('127.0.0.1')
    .refine(
      (host) => isIP(host) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(host),
      'an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0',
    ),
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
  // Empty means unset, as for the simulator process, which reads the same variable; unset, the key made at
  // first start in the data directory is used.
  MERIDIAN_PAYMENTS_API_KEY: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().min(1).optional(),
  ),
  MERIDIAN_CONTROL_PORT: z.coerce.number().int().min(1).max(65535).default(8079),
  MERIDIAN_RETRY_INTERVAL_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  MERIDIAN_SAGA_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  MERIDIAN_ROUTING: z.enum(['failover', 'home-region']).default('failover'),
  MERIDIAN_PRIMARY_REGION: z.string().optional(),
  MERIDIAN_HEALTH_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  MERIDIAN_HEALTH_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(10).default(2),
  // Requests per second each client address, and each signed-in principal, may send through the front
  // door (token buckets holding two seconds' worth). Load tools raise them.
  MERIDIAN_RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(100),
  MERIDIAN_RATE_LIMIT_PER_PRINCIPAL: z.coerce.number().int().min(1).max(1_000_000).default(50),
  MERIDIAN_EVENT_STREAMS_PER_PRINCIPAL: z.coerce.number().int().min(1).max(1000).default(4),
  MERIDIAN_SOURCE_MAPS: z.enum(['true', 'false']).default('false'),
  MERIDIAN_RUN_SOURCE: z.enum(['true', 'false', '1', '0']).default('false'),
});

/** Local-mode settings, all from the environment with working defaults (see docs/local-mode.md). */
export interface LocalConfig {
  dataDir: string;
  /** The address the front door listens on (127.0.0.1 unless MERIDIAN_HOST says otherwise). */
  host: string;
  /** True when the front door listens beyond loopback: other machines can reach it (a warning is shown). */
  exposed: boolean;
  frontDoorPort: number;
  /** Where this machine's own tools reach the front door (loopback when it listens on every interface). */
  frontDoorUrl: string;
  /** The address to show people: http://localhost:<port> unless the front door listens elsewhere. */
  publicUrl: string;
  regions: Array<{ name: string; port: number; url: string }>;
  paymentsPort: number;
  /** The launcher's control server (kill/start regions, cut/heal the link); loopback only. */
  controlUrl: string;
  paymentsUrl: string;
  /** The simulator's key when MERIDIAN_PAYMENTS_API_KEY sets one; else the key file's (see local-keys.ts). */
  paymentsApiKeyOverride: string | undefined;
  /** Key files created at first start: the payment simulator's API key and the regions' shared key. */
  keyFiles: KeyFiles;
  /** One-time admin sign-in links already used (so each opens one session only). */
  signInLinksFile: string;
  /** Front door limits: requests per second per client address and per principal; event streams each. */
  limits: { perAddressPerSecond: number; perPrincipalPerSecond: number; eventStreamsPerPrincipal: number };
  /** Whether the web app's source maps are built and served (MERIDIAN_SOURCE_MAPS=true). */
  sourceMaps: boolean;
  /** Run the processes from their TypeScript sources under tsx instead of bundles (MERIDIAN_RUN_SOURCE=true). */
  runSource: boolean;
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
  const dataDir = resolve(e.MERIDIAN_DATA_DIR);
  const loopback =
    ['localhost', '::1'].includes(e.MERIDIAN_HOST) || /^127\.\d+\.\d+\.\d+$/.test(e.MERIDIAN_HOST);
  const everywhere = ['0.0.0.0', '::'].includes(e.MERIDIAN_HOST);
  const hostInUrl = isIP(e.MERIDIAN_HOST) === 6 ? `[${e.MERIDIAN_HOST}]` : e.MERIDIAN_HOST;
  return {
    dataDir,
    host: e.MERIDIAN_HOST,
    exposed: !loopback,
    frontDoorPort: e.MERIDIAN_PORT,
    frontDoorUrl: `http://${everywhere ? '127.0.0.1' : hostInUrl}:${e.MERIDIAN_PORT}`,
    publicUrl: `http://${loopback || everywhere ? 'localhost' : hostInUrl}:${e.MERIDIAN_PORT}`,
    regions: e.MERIDIAN_REGIONS.map((name, index) => {
      const port = e.MERIDIAN_REGION_BASE_PORT + index;
      return { name, port, url: `http://127.0.0.1:${port}` };
    }),
    paymentsPort: e.MERIDIAN_PAYMENTS_PORT,
    controlUrl: `http://127.0.0.1:${e.MERIDIAN_CONTROL_PORT}`,
    paymentsUrl: `http://127.0.0.1:${e.MERIDIAN_PAYMENTS_PORT}`,
    paymentsApiKeyOverride: e.MERIDIAN_PAYMENTS_API_KEY,
    keyFiles: keyFilesIn(dataDir),
    signInLinksFile: join(dataDir, 'sign-in-links-used'),
    limits: {
      perAddressPerSecond: e.MERIDIAN_RATE_LIMIT_PER_ADDRESS,
      perPrincipalPerSecond: e.MERIDIAN_RATE_LIMIT_PER_PRINCIPAL,
      eventStreamsPerPrincipal: e.MERIDIAN_EVENT_STREAMS_PER_PRINCIPAL,
    },
    sourceMaps: e.MERIDIAN_SOURCE_MAPS === 'true',
    runSource: e.MERIDIAN_RUN_SOURCE === 'true' || e.MERIDIAN_RUN_SOURCE === '1',
    retryIntervalMs: e.MERIDIAN_RETRY_INTERVAL_MS,
    sagaConcurrency: e.MERIDIAN_SAGA_CONCURRENCY,
    issuerKeyFile: join(dataDir, 'issuer-keys.json'),
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
    logDir: join(dataDir, 'logs'),
  };
}
