import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalIssuer } from '../auth/local-issuer';
import { readPaymentsApiKey, readRegionKey } from '../auth/local-keys';
import { loadLocalConfig, REPO_ROOT } from '../config/local-config';
import { type PlatformPorts, pickPlatformPorts } from './platform-ports';
import { killGroup, stopProcessGroup } from './process-group';

/**
 * Starting the whole local platform (what `npm start` runs) for tools and tests: the chaos suites, the
 * benchmarks, the browser tests and the operator tests. One launcher process on a throwaway data
 * directory and free ports, in a process group of its own, so that stopping it also stops every region,
 * the front door and the payment simulator, even when the launcher hangs on shutdown.
 */

const DEFAULT_LAUNCHER = join(REPO_ROOT, 'apps/local/src/cli/start.ts');
/** The line the launcher prints once every process answers. */
const READY_LINE = 'Meridian is running';
/** How long the launcher may take to stop its processes after SIGTERM (it gives them 5 s). */
const STOP_GRACE_MS = 15_000;

/** The headers a region's /internal routes need, from `credentials.regionKey`. */
export { regionKeyHeaders } from '../auth/region-key';
export { REPO_ROOT };

export interface PlatformUrls {
  frontDoor: string;
  /** The front door as its sign-in links name it (localhost on loopback): a browser's origin. */
  public: string;
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

export interface StartPlatformOptions {
  /** The regions to run (MERIDIAN_REGIONS); the launcher's default when absent. */
  regions?: readonly string[];
  /** More MERIDIAN_* settings; the data directory, regions and ports are always set here. */
  env?: Record<string, string>;
  /** Fixed ports (a benchmark compares runs on the same ones); free ones are picked when absent. */
  ports?: PlatformPorts;
  /** Names the temporary data directory: `<prefix>XXXXXX` under the OS's temp directory. */
  dataDirPrefix?: string;
  /** Keep the data directory after `stop()` (its logs and stores are looked at afterwards). */
  keepDataDir?: boolean;
  /** Until `stop()`, SIGINT, SIGTERM and SIGHUP to this process stop the platform before it exits. */
  stopOnSignals?: boolean;
  /** Copy what the launcher writes to stderr to this process's stderr as well as to the log. */
  echoErrors?: boolean;
  startTimeoutMs?: number;
  /** The launcher script; tests of this module pass a stand-in. */
  launcher?: string;
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
  /** What the launcher printed until it was running (its sign-in links among it). */
  startupOutput: string;
  /** The launcher's process id (its process group's too). */
  launcherPid: number;
  /** Lines like "!! us-east-1 exited (SIGKILL)": processes that died while the platform ran. */
  exits: string[];
  /** Called when the launcher exits without stop() (e.g. another process on this machine signalled it). */
  onUnexpectedExit(listener: (how: string) => void): void;
  /** Stops every process of the platform; removes the data directory unless it is kept. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the launcher and resolves once it says Meridian is running; rejects, leaving nothing behind, if not. */
export async function startPlatform(options: StartPlatformOptions = {}): Promise<RunningPlatform> {
  // The launcher reads this process's environment too: the region list may come from it.
  const regionCount =
    options.regions?.length ?? loadLocalConfig({ ...process.env, ...options.env }).regions.length;
  const ports = options.ports ?? (await pickPlatformPorts(regionCount));
  const dataDir = mkdtempSync(join(tmpdir(), options.dataDirPrefix ?? 'meridian-platform-'));
  const logFile = join(dataDir, 'launcher.log');
  const settings: Record<string, string> = {
    ...options.env,
    MERIDIAN_DATA_DIR: dataDir,
    MERIDIAN_PORT: String(ports.frontDoor),
    MERIDIAN_REGION_BASE_PORT: String(ports.regionBase),
    MERIDIAN_PAYMENTS_PORT: String(ports.payments),
    MERIDIAN_CONTROL_PORT: String(ports.control),
    ...(options.regions ? { MERIDIAN_REGIONS: options.regions.join(',') } : {}),
  };
  const config = loadLocalConfig({ ...process.env, ...settings });
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', options.launcher ?? DEFAULT_LAUNCHER],
    {
      // `--import tsx` resolves from the working directory, so the launcher always starts in the repository.
      cwd: REPO_ROOT,
      env: { ...process.env, ...settings },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

  const log = createWriteStream(logFile);
  const exits: string[] = [];
  let startupOutput = '';
  let running = false;
  let partial = '';
  let announceReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    announceReady = resolve;
  });
  const onOutput = (chunk: Buffer) => {
    // Output may still arrive after the launcher exited and the log was closed.
    if (!log.writableEnded) log.write(chunk);
    const text = chunk.toString();
    if (!running) startupOutput += text;
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('!! ')) exits.push(line);
      if (!running && line.includes(READY_LINE)) {
        running = true;
        announceReady();
      }
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', (chunk: Buffer) => {
    if (options.echoErrors) process.stderr.write(chunk);
    onOutput(chunk);
  });

  let stopping: Promise<void> | undefined;
  let unexpected: ((how: string) => void) | undefined;
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      const how = signal ?? `code ${code}`;
      if (!stopping) unexpected?.(how);
      resolve(how);
    }),
  );
  const spawnFailed = new Promise<never>((_resolve, reject) =>
    child.once('error', (error) => reject(new Error(`the platform could not be started: ${error.message}`))),
  );
  spawnFailed.catch(() => undefined);

  // A last resort when this process exits without stop() (an uncaught error, process.exit).
  const onExit = () => killGroup(child.pid, 'SIGKILL');
  process.once('exit', onExit);
  const onSignal = (options.stopOnSignals ? (['SIGINT', 'SIGTERM', 'SIGHUP'] as const) : []).map((signal) => {
    const handler = () => {
      console.error(`\n${signal}: stopping the platform`);
      void stop()
        .catch((error: unknown) => console.error(error))
        .finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });

  const stop = () => {
    stopping ??= (async () => {
      for (const [signal, handler] of onSignal) process.off(signal, handler);
      try {
        await stopProcessGroup(child, { graceMs: STOP_GRACE_MS, name: 'platform launcher' });
      } finally {
        process.off('exit', onExit);
        await new Promise<void>((resolve) => log.end(resolve));
        if (!options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
      }
    })();
    return stopping;
  };

  const timeoutMs = options.startTimeoutMs ?? 90_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      spawnFailed,
      exited.then((how) => {
        throw new Error(`the platform exited (${how}) before it was running`);
      }),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the platform did not start within ${timeoutMs / 1000} s`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (error) {
    await stop();
    const where = options.keepDataDir ? `; see ${logFile}` : '';
    throw new Error(`${(error as Error).message}${where}:\n${startupOutput}`);
  } finally {
    clearTimeout(timer);
  }

  const credentials: PlatformCredentials = {
    adminToken: await (await LocalIssuer.open(config.issuerKeyFile)).issue('admin'),
    paymentsApiKey: readPaymentsApiKey(config),
    regionKey: readRegionKey(config),
  };
  return {
    urls: {
      frontDoor: `http://127.0.0.1:${ports.frontDoor}`,
      public: config.publicUrl,
      control: `http://127.0.0.1:${ports.control}`,
      payments: `http://127.0.0.1:${ports.payments}`,
      regions: Object.fromEntries(
        config.regions.map(({ name }, index) => [name, `http://127.0.0.1:${ports.regionBase + index}`]),
      ),
    },
    credentials,
    regions: config.regions.map(({ name }) => name),
    dataDir,
    launcherPid: child.pid ?? 0,
    settings,
    logFile,
    startupOutput,
    exits,
    onUnexpectedExit: (listener) => {
      unexpected = listener;
    },
    stop,
  };
}
