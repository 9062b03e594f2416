import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalIssuer } from '@meridian/local/auth/local-issuer';
import { readPaymentsApiKey, readRegionKey } from '@meridian/local/auth/local-keys';
import { loadLocalConfig } from '@meridian/local/config/local-config';
import * as z from 'zod';
import { HttpError, postJson } from './http';
import { sleep } from './progress';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAUNCHER = join(REPO_ROOT, 'apps/local/src/cli/start.ts');

export interface PlatformUrls {
  frontDoor: string;
  control: string;
  payments: string;
  regions: Record<string, string>;
}

/** What an operator on this machine holds, read from the platform's data directory. */
export interface PlatformCredentials {
  /** An admin token, as `npm run -s token -- admin` prints one. */
  adminToken: string;
  /** The payment simulator's API key (its ledger and chaos routes need it). */
  paymentsApiKey: string;
  /** The regions' key, for their /internal routes. */
  regionKey: string;
}

export interface RunningPlatform {
  urls: PlatformUrls;
  credentials: PlatformCredentials;
  regions: string[];
  dataDir: string;
  /** The MERIDIAN_* settings it runs with: the same make `npm run meridian` and `npm run token` talk to it. */
  settings: Record<string, string>;
  /** Everything the launcher printed (every process's readable log line). */
  logFile: string;
  /** Lines like "!! us-east-1 exited (SIGKILL)": processes that died while the platform ran. */
  exits: string[];
  /** Called when the launcher exits without stop() (e.g. another process on this machine signalled it). */
  onUnexpectedExit(listener: (how: string) => void): void;
  stop(): Promise<void>;
}

/** True when nothing listens on the port on any interface (the front door binds 0.0.0.0). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '0.0.0.0', () => server.close(() => done(true)));
  });
}

async function osPort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '0.0.0.0', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

/**
 * Free ports for every listener, never the defaults: another platform may be running on this machine.
 * Regions need consecutive ports (region n = base + n), so the base is retried until the run is free.
 */
async function pickPorts(regionCount: number) {
  const taken = new Set<number>();
  const single = async () => {
    for (;;) {
      const port = await osPort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await osPort();
    if (base + regionCount > 65_000) continue;
    const run = Array.from({ length: regionCount }, (_, index) => base + index);
    const free = await Promise.all(run.map((port) => (taken.has(port) ? false : portIsFree(port))));
    if (free.every(Boolean)) {
      for (const port of run) taken.add(port);
      return {
        regionBase: base,
        frontDoor: await single(),
        payments: await single(),
        control: await single(),
      };
    }
  }
  throw new Error('no run of free consecutive ports for the regions');
}

/**
 * Starts the launcher (what `npm start` runs) on free ports and a temporary data directory, in its own
 * process group so that even a launcher that hangs on shutdown can be stopped with everything it started.
 */
export async function startPlatform(
  regions: readonly string[],
  /** More MERIDIAN_* settings (tests shorten health checks or lower limits); the ports are always picked here. */
  extraEnv: Record<string, string> = {},
): Promise<RunningPlatform> {
  const ports = await pickPorts(regions.length);
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-chaos-'));
  const logFile = join(dataDir, 'launcher.log');
  const settings = {
    ...extraEnv,
    MERIDIAN_DATA_DIR: dataDir,
    MERIDIAN_REGIONS: regions.join(','),
    MERIDIAN_PORT: String(ports.frontDoor),
    MERIDIAN_REGION_BASE_PORT: String(ports.regionBase),
    MERIDIAN_PAYMENTS_PORT: String(ports.payments),
    MERIDIAN_CONTROL_PORT: String(ports.control),
    // Pinned, so that settings exported in the caller's shell cannot change which region serves.
    MERIDIAN_ROUTING: 'failover',
    MERIDIAN_PRIMARY_REGION: regions[0] ?? 'us-east-1',
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', LAUNCHER], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...settings },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  const exits: string[] = [];
  let ready = false;
  let buffered = '';
  const onChunk = (chunk: Buffer) => {
    log.write(chunk);
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('Meridian is running')) ready = true;
      if (line.startsWith('!! ')) exits.push(line);
    }
  };
  child.stdout?.on('data', onChunk);
  child.stderr?.on('data', onChunk);
  let stopping = false;
  let unexpected: ((how: string) => void) | undefined;
  const exited = new Promise<void>((done) =>
    child.once('exit', (code, signal) => {
      if (!stopping) unexpected?.(signal ?? `code ${code}`);
      done();
    }),
  );

  const urls: PlatformUrls = {
    frontDoor: `http://127.0.0.1:${ports.frontDoor}`,
    control: `http://127.0.0.1:${ports.control}`,
    payments: `http://127.0.0.1:${ports.payments}`,
    regions: Object.fromEntries(
      regions.map((name, index) => [name, `http://127.0.0.1:${ports.regionBase + index}`]),
    ),
  };
  const stop = async () => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    // The launcher gives its children 5 s to stop cleanly; past that, stop the whole group ourselves.
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, 12_000);
    await exited;
    clearTimeout(timer);
    log.end();
  };

  const deadline = Date.now() + 90_000;
  while (!ready) {
    if (child.exitCode !== null) throw new Error(`the platform exited during start-up; see ${logFile}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the platform did not start within 90 s; see ${logFile}`);
    }
    await sleep(100);
  }
  const config = loadLocalConfig({ MERIDIAN_DATA_DIR: dataDir });
  const credentials: PlatformCredentials = {
    adminToken: await (await LocalIssuer.open(config.issuerKeyFile)).issue('admin'),
    paymentsApiKey: readPaymentsApiKey(config),
    regionKey: readRegionKey(config),
  };
  return {
    urls,
    credentials,
    regions: [...regions],
    dataDir,
    settings,
    logFile,
    exits,
    onUnexpectedExit: (listener) => {
      unexpected = listener;
    },
    stop,
  };
}

const tokenSchema = z.object({ token: z.string() });

/** A demo customer's bearer token from the front door's sign-in (the local stand-in for Cognito). */
export async function signIn(frontDoor: string, user: string): Promise<string> {
  const response = await postJson(`${frontDoor}/auth/token`, { user });
  if (response.status !== 200) throw new HttpError(`${frontDoor}/auth/token`, response.status, response.text);
  return tokenSchema.parse(JSON.parse(response.text)).token;
}
