import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { TokenVerifier } from '@meridian/domain';
import { Hono } from 'hono';
import { regionKeyHeaders } from '../auth/region-key';
import { type LocalConfig, REPO_ROOT } from '../config/local-config';
import { slowClientLimits } from '../config/server-timeouts';
import { type FrontDoorEnv, requirePrincipal } from '../front-door/operator-access';
import type { ProcessSupervisor } from './process-supervisor';
import { waitForHealthy } from './wait-for';

export const REGION_ENTRY = join(REPO_ROOT, 'apps/local/src/region/main.ts');
export const PAYMENTS_ENTRY = join(REPO_ROOT, 'apps/local/src/payment-simulator/main.ts');
/** The payment simulator's process name in the supervisor (and its log file's). */
export const PROVIDER = 'payments';

export interface ControlServerOptions {
  /** Verifies the admin token every request needs (the CLI's own, or the console's passed on by the front door). */
  verifier: TokenVerifier;
  /** The regions' key, for the link switch on their /internal routes. */
  regionKey: string;
  /** The script a region process runs (tests give one that fails). */
  regionEntry?: string;
  /** The script the payment provider process runs. */
  paymentsEntry?: string;
  /** How long `start` waits for a region to answer its health check. */
  startTimeoutMs?: number;
}

type StartOutcome =
  | { kind: 'healthy' }
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'timeout'; reason: string };

/** Waits until the region answers its health check, or its process exits, or the timeout passes. */
async function waitForStart(
  child: ChildProcess,
  healthUrl: string,
  what: string,
  timeoutMs: number,
): Promise<StartOutcome> {
  const exited = new Promise<StartOutcome>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ kind: 'exited', code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ kind: 'exited', code, signal }));
  });
  const stopWaiting = new AbortController();
  const healthy = waitForHealthy(healthUrl, what, timeoutMs, stopWaiting.signal).then(
    (): StartOutcome => ({ kind: 'healthy' }),
    (error: unknown): StartOutcome => ({
      kind: 'timeout',
      reason: error instanceof Error ? error.message : String(error),
    }),
  );
  const outcome = await Promise.race([exited, healthy]);
  stopWaiting.abort();
  // Something else may have answered on the region's port while this process failed to bind it.
  if (outcome.kind === 'healthy' && (child.exitCode !== null || child.signalCode !== null))
    return { kind: 'exited', code: child.exitCode, signal: child.signalCode };
  return outcome;
}

function problem(status: number, code: string, title: string, detail: string, extra: object = {}): Response {
  return new Response(
    JSON.stringify({
      type: `https://meridian.example/problems/${code}`,
      title,
      status,
      code,
      detail,
      ...extra,
    }),
    { status, headers: { 'content-type': 'application/problem+json' } },
  );
}

/**
 * The launcher's control plane (loopback only, admins only, never from a page of another site): kills a
 * region with a real SIGKILL, starts it again, and cuts or heals the replication link between regions.
 * The CLI and the operations console (through the front door) use it. Until `markReady()` (the launcher
 * is still starting its processes) it only answers `/status`.
 */
export function createControlServer(
  config: LocalConfig,
  supervisor: ProcessSupervisor,
  options: ControlServerOptions,
) {
  let linkUp = true;
  let ready = false;
  const regionNamed = (name: string) => config.regions.find((region) => region.name === name);
  const startRegion = (name: string) =>
    supervisor.start({
      name,
      script: options.regionEntry ?? REGION_ENTRY,
      env: { MERIDIAN_REGION: name, MERIDIAN_LINK: linkUp ? 'up' : 'cut' },
    });
  const setLink = async (up: boolean) => {
    linkUp = up;
    const results = await Promise.all(
      config.regions
        .filter((region) => supervisor.isRunning(region.name))
        .map((region) =>
          fetch(`${region.url}/internal/link`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json', ...regionKeyHeaders(options.regionKey) },
            body: JSON.stringify({ up }),
            signal: AbortSignal.timeout(2000),
          })
            .then((response) => ({ region: region.name, ok: response.ok }))
            .catch(() => ({ region: region.name, ok: false })),
        ),
    );
    return { link: up ? 'up' : 'cut', regions: results };
  };

  const startProvider = () =>
    supervisor.start({ name: PROVIDER, script: options.paymentsEntry ?? PAYMENTS_ENTRY, env: {} });

  /**
   * Starts a process and waits until it is healthy; undefined then, else the problem saying why it did
   * not come up (it exited: `<kind>_exited`; it never answered: `<kind>_start_timeout`).
   */
  const startAndWait = async (
    name: string,
    start: () => ChildProcess,
    healthUrl: string,
    label: { kind: 'region' | 'provider'; what: string },
  ): Promise<Response | undefined> => {
    const child = start();
    const outcome = await waitForStart(child, healthUrl, label.what, options.startTimeoutMs ?? 60_000);
    const logFile = supervisor.logFile(name);
    const title = `${label.kind === 'region' ? 'Region' : 'Payment provider'}`;
    if (outcome.kind === 'exited') {
      const how = outcome.signal ? `signal ${outcome.signal}` : `exit code ${outcome.code}`;
      return problem(
        500,
        `${label.kind}_exited`,
        `${title} exited during start`,
        `${title === 'Region' ? `Region ${name}` : title} exited during start (${how}); see ${logFile}.`,
        { [label.kind]: name, exitCode: outcome.code, signal: outcome.signal, logFile },
      );
    }
    if (outcome.kind === 'timeout') {
      const pid = supervisor.pid(name);
      return problem(
        504,
        `${label.kind}_start_timeout`,
        `${title} did not become healthy`,
        `${outcome.reason}; its process ${pid ? `is still running (pid ${pid})` : 'has stopped'}; see ${logFile}.`,
        { [label.kind]: name, pid: pid ?? null, logFile },
      );
    }
    return undefined;
  };

  const app = new Hono<FrontDoorEnv>();
  app.use('*', requirePrincipal(options.verifier, { admin: true }));
  app.use('*', async (c, next) => {
    if (c.req.method !== 'GET' && !ready)
      return problem(503, 'starting', 'Starting', 'Meridian is still starting; try again once it runs.');
    await next();
  });
  app.get('/status', (c) =>
    c.json({
      link: linkUp ? 'up' : 'cut',
      regions: config.regions.map((region) => ({
        name: region.name,
        url: region.url,
        running: supervisor.isRunning(region.name),
        pid: supervisor.pid(region.name) ?? null,
      })),
      provider: {
        name: PROVIDER,
        url: config.paymentsUrl,
        running: supervisor.isRunning(PROVIDER),
        pid: supervisor.pid(PROVIDER) ?? null,
      },
      // This launcher and every process it manages (payments, front door, regions): benchmarks read
      // their CPU time.
      processes: [{ name: 'launcher', pid: process.pid }, ...supervisor.processes()],
    }),
  );
  app.post('/regions/:name/kill', async (c) => {
    const name = c.req.param('name');
    if (!regionNamed(name)) return problem(404, 'unknown_region', 'Not Found', `No region ${name}.`);
    const pid = supervisor.pid(name);
    const killed = await supervisor.kill(name, 'SIGKILL');
    return c.json({ region: name, killed, pid: pid ?? null, signal: 'SIGKILL' }, 202);
  });
  app.post('/regions/:name/start', async (c) => {
    const name = c.req.param('name');
    const region = regionNamed(name);
    if (!region) return problem(404, 'unknown_region', 'Not Found', `No region ${name}.`);
    if (supervisor.isRunning(name))
      return c.json({ region: name, started: false, detail: 'already running' }, 202);
    const failed = await startAndWait(name, () => startRegion(name), `${region.url}/api/v1/health`, {
      kind: 'region',
      what: `region ${name}`,
    });
    if (failed) return failed;
    return c.json({ region: name, started: true, pid: supervisor.pid(name) ?? null }, 202);
  });
  // The payment provider is supervised like a region: a real SIGKILL, and a start that waits for health.
  app.post('/provider/kill', async (c) => {
    const pid = supervisor.pid(PROVIDER);
    const killed = await supervisor.kill(PROVIDER, 'SIGKILL');
    return c.json({ process: PROVIDER, killed, pid: pid ?? null, signal: 'SIGKILL' }, 202);
  });
  app.post('/provider/start', async (c) => {
    if (supervisor.isRunning(PROVIDER))
      return c.json({ process: PROVIDER, started: false, detail: 'already running' }, 202);
    const failed = await startAndWait(PROVIDER, startProvider, `${config.paymentsUrl}/health`, {
      kind: 'provider',
      what: 'the payment provider',
    });
    if (failed) return failed;
    return c.json({ process: PROVIDER, started: true, pid: supervisor.pid(PROVIDER) ?? null }, 202);
  });
  app.post('/link/cut', async (c) => c.json(await setLink(false), 202));
  app.post('/link/heal', async (c) => c.json(await setLink(true), 202));
  return {
    app,
    startRegion,
    startProvider,
    /** The launcher has started every process: kill, start and link requests are served from now on. */
    markReady: () => {
      ready = true;
    },
  };
}

/**
 * Serves the control plane on 127.0.0.1:`port` (0: any free port), resolving once it listens; rejects
 * with a message naming the port when it cannot (most often: something else already uses it).
 */
export function listenControlServer(
  app: Hono<FrontDoorEnv>,
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve({
      fetch: app.fetch,
      port,
      hostname: '127.0.0.1',
      serverOptions: slowClientLimits(),
    });
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `the control server cannot listen on 127.0.0.1:${port}: port ${port} is already in use (is another Meridian running? set MERIDIAN_CONTROL_PORT to a free port)`
            : `the control server cannot listen on 127.0.0.1:${port}: ${error.message}`,
        ),
      );
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      server.on('error', (error) => console.log(`!! control server: ${error.message}`));
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : port,
        close: () =>
          new Promise<void>((done) => {
            if ('closeAllConnections' in server) server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
