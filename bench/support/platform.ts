import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalIssuer } from '@meridian/local/auth/local-issuer';
import { readRegionKey } from '@meridian/local/auth/local-keys';
import { regionKeyHeaders } from '@meridian/local/auth/region-key';
import { loadLocalConfig, REPO_ROOT } from '@meridian/local/config/local-config';

export interface RunningPlatform {
  url: string;
  dataDir: string;
  env: Record<string, string>;
  /** An admin's Authorization header (the control server and the front door's status need it). */
  admin: Record<string, string>;
  /** The Authorization header the regions' /internal routes need. */
  internal: Record<string, string>;
  stop(): Promise<void>;
}

/** How long the launcher may take to stop its processes after SIGTERM before its group is SIGKILLed. */
const STOP_GRACE_MS = 15_000;

/**
 * Starts the whole local platform (`npm start`'s launcher) on a throwaway data directory and port. The
 * launcher runs in a process group of its own (`detached`), which its processes (regions, front door,
 * payment simulator) share, so `stop()` can make sure none of them outlives the benchmark. Being
 * detached, the group no longer gets the terminal's Ctrl-C: until `stop()`, SIGINT, SIGTERM and SIGHUP
 * to this process stop the platform before it exits, and a plain exit SIGKILLs the group.
 */
export async function startPlatform(
  port: number,
  extraEnv: Record<string, string> = {},
): Promise<RunningPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-bench-'));
  const env = {
    MERIDIAN_DATA_DIR: dataDir,
    MERIDIAN_PORT: String(port),
    MERIDIAN_REGION_BASE_PORT: String(port + 1),
    MERIDIAN_PAYMENTS_PORT: String(port + 10),
    MERIDIAN_CONTROL_PORT: String(port + 11),
    // One load tool sends everything from one address as one customer: the front door's per-client
    // limits, made for people and scripts, would measure themselves instead of the platform.
    MERIDIAN_RATE_LIMIT_PER_ADDRESS: '1000000',
    MERIDIAN_RATE_LIMIT_PER_PRINCIPAL: '1000000',
    ...extraEnv,
  };
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'apps/local/src/cli/start.ts')],
    {
      env: { ...process.env, ...env },
      // `--import tsx` resolves from the working directory, so children always start in the repository.
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    },
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const [signal, handler] of onSignal) process.off(signal, handler);
      try {
        await stopProcessGroup(child, { graceMs: STOP_GRACE_MS, name: 'platform launcher' });
      } finally {
        process.off('exit', onExit);
        rmSync(dataDir, { recursive: true, force: true });
      }
    })();
    return stopping;
  };
  // A last resort when this process exits without `stop()` (an uncaught error, process.exit).
  const onExit = () => {
    try {
      killGroup(child.pid, 'SIGKILL');
    } catch {
      // Exiting anyway: nothing more to do.
    }
  };
  const onSignal = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
    const handler = () => {
      console.error(`\n${signal}: stopping the platform`);
      void stop()
        .catch((error: unknown) => console.error(error))
        .finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  process.once('exit', onExit);

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('platform did not start within 90 s')), 90_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Meridian is running')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`platform could not be started: ${error.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`platform exited early (${signal ?? `code ${code}`})`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  child.stdout?.resume();
  const config = loadLocalConfig(env);
  const adminToken = await (await LocalIssuer.open(config.issuerKeyFile)).issue('admin');
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    env,
    admin: { authorization: `Bearer ${adminToken}` },
    internal: regionKeyHeaders(readRegionKey(config)),
    stop,
  };
}

/**
 * Stops a process started with `detached: true` and everything in its process group: SIGTERM to the
 * process (its own clean shutdown), SIGKILL to the whole group after `graceMs` if it has not exited,
 * and SIGKILL to the group in any case afterwards, for whatever it left behind (also when it had already
 * exited before this was called). Resolves once the process has exited; rejects, naming it, when it is
 * still there 5 s after SIGKILL.
 */
export async function stopProcessGroup(
  child: ChildProcess,
  options: { graceMs: number; name: string; warn?: (message: string) => void },
): Promise<void> {
  const warn = options.warn ?? ((message: string) => console.warn(message));
  if (child.pid === undefined) return; // Never started: nothing to stop.
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const exit = new Promise<void>((resolve) => {
    if (exited()) resolve();
    else child.once('exit', () => resolve());
  });
  if (!exited()) {
    child.kill('SIGTERM');
    if (!(await settlesWithin(exit, options.graceMs)))
      warn(
        `${options.name} (pid ${child.pid}) did not exit within ${options.graceMs / 1000} s of SIGTERM; sending SIGKILL to its process group`,
      );
  }
  killGroup(child.pid, 'SIGKILL');
  if (!exited() && !(await settlesWithin(exit, 5_000)))
    throw new Error(`${options.name} (pid ${child.pid}) was still running 5 s after SIGKILL`);
}

/** Sends `signal` to the process group led by `pid`; no-op when the group is already gone. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
