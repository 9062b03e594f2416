import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../apps/local/src/config/local-config';

export interface RunningPlatform {
  url: string;
  dataDir: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the whole local platform (`npm start`'s launcher) on a throwaway data directory and port. */
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
    },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('platform did not start within 90 s')), 90_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Meridian is running')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`platform exited early (code ${code})`)));
  });
  child.stdout?.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    env,
    async stop() {
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await done;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
