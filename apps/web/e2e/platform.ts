import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** `count` consecutive free ports (regions listen on base + n). */
async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const checks = await Promise.all(Array.from({ length: count }, (_, i) => portIsFree(base + i)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error('no free ports found');
}

export interface Platform {
  url: string;
  dataDir: string;
  output: () => string;
  /** The one-time admin sign-in link the launcher printed (good for one browser sign-in). */
  adminSignInLink: () => string;
  /** Another one-time admin sign-in link, as `npm run -s meridian -- sign-in-link` prints it. */
  newAdminSignInLink: () => string;
  stop: () => Promise<void>;
}

/** Starts `npm start`'s launcher with its own data directory and ports, and waits until it says it is running. */
export async function startPlatform(
  options: { regions?: readonly string[]; env?: Record<string, string> } = {},
): Promise<Platform> {
  const regions = options.regions ?? ['us-east-1'];
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-web-e2e-'));
  // One block of consecutive ports, so the front door, the simulator and the regions cannot collide.
  const frontDoorPort = await freePorts(regions.length + 3);
  const paymentsPort = frontDoorPort + 1;
  const controlPort = frontDoorPort + 2;
  const regionBasePort = frontDoorPort + 3;
  const env = {
    ...process.env,
    MERIDIAN_DATA_DIR: dataDir,
    MERIDIAN_PORT: String(frontDoorPort),
    MERIDIAN_REGIONS: regions.join(','),
    MERIDIAN_REGION_BASE_PORT: String(regionBasePort),
    MERIDIAN_PAYMENTS_PORT: String(paymentsPort),
    // Another Meridian on this machine may hold the default control port.
    MERIDIAN_CONTROL_PORT: String(controlPort),
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/local/src/cli/start.ts'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`Meridian did not start within 60 s:\n${output}`)),
        60_000,
      );
      child.stdout?.on('data', () => {
        if (!output.includes('Meridian is running')) return;
        clearTimeout(timer);
        ready();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`Meridian exited (code ${code}) before it was running:\n${output}`));
      });
    });
  } catch (error) {
    // A launcher that never came up must not leave processes or a data directory behind.
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `http://localhost:${frontDoorPort}`,
    dataDir,
    output: () => output,
    newAdminSignInLink: () =>
      execFileSync(process.execPath, ['--import', 'tsx', 'apps/local/src/cli/meridian.ts', 'sign-in-link'], {
        cwd: REPO_ROOT,
        env,
        encoding: 'utf8',
      }).trim(),
    adminSignInLink: () => {
      const link = /^\s+admin\s+(http\S+#code=\S+)$/m.exec(output)?.[1];
      if (!link) throw new Error(`the launcher printed no admin sign-in link:\n${output}`);
      return link;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        // The launcher stops its children (SIGKILL after 5 s); give it that long before forcing it.
        const forced = setTimeout(() => child.kill('SIGKILL'), 8000);
        await exited;
        clearTimeout(forced);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
