import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from './platform-starter';

/**
 * The starter against a stand-in for `npm start`'s launcher: it prints what the real one prints (its
 * banner, a process's exit), starts a child of its own as the launcher starts regions, and behaves as
 * FAKE_LAUNCHER says: `run`, `die` before it runs, or `hang` without ever running.
 */
const dir = mkdtempSync(join(tmpdir(), 'meridian-starter-test-'));
const launcher = join(dir, 'fake-launcher.mjs');
writeFileSync(
  launcher,
  [
    `import { spawn } from 'node:child_process';`,
    `const region = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });`,
    `const mode = process.env.FAKE_LAUNCHER;`,
    `process.on('SIGTERM', () => process.exit(0));`,
    `console.log('starting on port ' + process.env.MERIDIAN_PORT);`,
    `if (mode === 'die') { console.error('cannot listen'); process.exit(3); }`,
    `if (mode === 'run') {`,
    `  console.log('region pid ' + region.pid);`,
    `  console.log('  admin  http://localhost:1/sign-in#code=abc');`,
    `  console.log('Meridian is running');`,
    `  setTimeout(() => console.log('!! us-east-1 exited (SIGKILL)'), 20);`,
    `}`,
    `setInterval(() => {}, 1000);`,
  ].join('\n'),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const started: RunningPlatform[] = [];
afterEach(async () => {
  for (const platform of started.splice(0)) await platform.stop();
});

const start = async (mode: string, options: Parameters<typeof startPlatform>[0] = {}) => {
  const platform = await startPlatform({
    launcher,
    regions: ['us-east-1', 'eu-west-1'],
    ...options,
    env: { FAKE_LAUNCHER: mode, ...options.env },
  });
  started.push(platform);
  return platform;
};

function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean): Promise<boolean> {
  for (let tries = 0; tries < 100 && !check(); tries++) await new Promise((r) => setTimeout(r, 20));
  return check();
}

describe('startPlatform', () => {
  it('resolves once the launcher runs, with its ports, settings, credentials and log', async () => {
    const platform = await start('run', { env: { MERIDIAN_ROUTING: 'failover' } });
    const port = Number(platform.settings.MERIDIAN_PORT);
    expect(platform.urls.frontDoor).toBe(`http://127.0.0.1:${port}`);
    const base = Number(platform.settings.MERIDIAN_REGION_BASE_PORT);
    expect(platform.urls.regions).toEqual({
      'us-east-1': `http://127.0.0.1:${base}`,
      'eu-west-1': `http://127.0.0.1:${base + 1}`,
    });
    expect(platform.settings).toMatchObject({
      MERIDIAN_DATA_DIR: platform.dataDir,
      MERIDIAN_REGIONS: 'us-east-1,eu-west-1',
      MERIDIAN_ROUTING: 'failover',
    });
    expect(new Set([port, base, base + 1, Number(platform.settings.MERIDIAN_PAYMENTS_PORT)]).size).toBe(4);
    expect(platform.startupOutput).toContain(`starting on port ${port}`);
    expect(platform.credentials.adminToken.split('.')).toHaveLength(3);
    expect(platform.credentials.regionKey).toMatch(/^rk_/);
    expect(platform.credentials.paymentsApiKey).toMatch(/^sk_test_/);
    expect(await eventually(() => platform.exits.length > 0)).toBe(true);
    expect(platform.exits).toEqual(['!! us-east-1 exited (SIGKILL)']);
  });

  it('stops the launcher and every process it started, and removes the data directory', async () => {
    const platform = await start('run');
    const regionPid = Number(/region pid (\d+)/.exec(platform.startupOutput)?.[1]);
    expect(running(regionPid)).toBe(true);
    await platform.stop();
    expect(await eventually(() => !running(regionPid))).toBe(true);
    expect(existsSync(platform.dataDir)).toBe(false);
    await platform.stop(); // Twice is fine.
  });

  it('keeps the data directory with the launcher log when asked to', async () => {
    const platform = await start('run', { keepDataDir: true });
    await platform.stop();
    expect(readFileSync(platform.logFile, 'utf8')).toContain('Meridian is running');
    rmSync(platform.dataDir, { recursive: true, force: true });
  });

  it('tells its listener when the launcher exits without stop()', async () => {
    const platform = await start('run');
    const seen: string[] = [];
    platform.onUnexpectedExit((how) => seen.push(how));
    process.kill(platform.launcherPid, 'SIGTERM');
    expect(await eventually(() => seen.length > 0)).toBe(true);
    expect(seen).toEqual(['code 0']);
  });

  it('rejects with what the launcher printed when it exits before running, leaving nothing behind', async () => {
    const prefix = `meridian-starter-die-${process.pid}-`;
    const error = await start('die', { dataDirPrefix: prefix }).catch((e: unknown) => e as Error);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith(prefix))).toEqual([]);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^the platform exited \(code 3\) before it was running:\n/);
    expect((error as Error).message).toContain('cannot listen');
  });

  it('rejects and stops the launcher when it does not run in time', async () => {
    const error = await start('hang', { startTimeoutMs: 1_000, keepDataDir: true }).catch(
      (e: unknown) => e as Error,
    );
    const message = (error as Error).message;
    expect(message).toMatch(
      /^the platform did not start within 1 s; see .*launcher\.log:\nstarting on port \d+/,
    );
    const logFile = /see (.*launcher\.log):/.exec(message)?.[1] ?? '';
    expect(readFileSync(logFile, 'utf8')).toMatch(/^starting on port \d+/);
    rmSync(join(logFile, '..'), { recursive: true, force: true });
  });
});
