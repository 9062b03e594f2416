import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/config/local-config';
import { freePort } from '../support/ports';

async function listening(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (server: Server) => {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
};

/** `npm start`'s launcher when it cannot start: it says why, starts nothing (or stops it) and exits 1. */
describe('launcher start-up', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-launcher-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('fails, naming the port, when the control server port is taken', async () => {
    const taken = await listening();
    const port = portOf(taken);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'apps/local/src/cli/start.ts')],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          MERIDIAN_DATA_DIR: dataDir,
          MERIDIAN_CONTROL_PORT: String(port),
          MERIDIAN_REGIONS: 'us-east-1',
          MERIDIAN_PRIMARY_REGION: 'us-east-1',
          MERIDIAN_PORT: String(await freePort()),
          MERIDIAN_PAYMENTS_PORT: String(await freePort()),
          MERIDIAN_REGION_BASE_PORT: String(await freePort()),
        },
        // Its own process group: whatever it started can be stopped with it if it does not exit.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the launcher did not exit:\n${output}`)), 20_000);
        child.once('exit', (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
        // Before the fix it started every process and reported success without its control server.
        const watch = setInterval(() => {
          if (!output.includes('Meridian is running')) return;
          clearInterval(watch);
          clearTimeout(timer);
          reject(new Error(`the launcher reported success:\n${output}`));
        }, 50);
        child.once('exit', () => clearInterval(watch));
      });
      expect(code, output).toBe(1);
      expect(output).toContain(
        `Meridian failed to start: the control server cannot listen on 127.0.0.1:${port}: port ${port} is already in use`,
      );
      expect(output).not.toContain('Meridian is running');
      // Nothing was started: no process wrote a log.
      expect(existsSync(join(dataDir, 'logs', 'payments.log'))).toBe(false);
    } finally {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 30_000);
});
