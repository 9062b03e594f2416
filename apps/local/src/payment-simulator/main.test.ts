import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
// `--import tsx` resolves from the working directory, so run where node_modules lives.
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function launch(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before logging`)));
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('payment simulator process', () => {
  it('starts from env, serves, writes payments.sqlite in the data dir and stops cleanly on SIGTERM', async () => {
    const root = mkdtempSync(join(tmpdir(), 'meridian-payments-main-'));
    dirs.push(root);
    const dataDir = join(root, 'nested', 'data');
    const child = launch({
      MERIDIAN_PAYMENTS_PORT: '0',
      MERIDIAN_DATA_DIR: dataDir,
      MERIDIAN_PAYMENTS_LATENCY_MS: '5',
    });

    const line = await firstLine(child);
    const url = line.match(/^payment simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/)?.[1];
    // Its API key was made at first start, in the data directory, readable by its owner only.
    const keyFile = join(dataDir, 'payments-api-key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(key).toMatch(/^sk_test_[\w-]{43}$/);
    expect((await fetch(`${url}/v1/chaos`)).status).toBe(401);
    const chaos = await (
      await fetch(`${url}/v1/chaos`, { headers: { authorization: `Bearer ${key}` } })
    ).json();
    const exited = exitCode(child);
    child.kill('SIGTERM');

    expect(url).toBeDefined();
    expect(chaos).toEqual({ latencyMs: 5, errorRate: 0 });
    expect(existsSync(join(dataDir, 'payments.sqlite'))).toBe(true);
    expect(await exited).toBe(0);
  });

  it('refuses to start with an out-of-range error rate', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'meridian-payments-main-'));
    dirs.push(dataDir);
    const child = launch({
      MERIDIAN_PAYMENTS_PORT: '0',
      MERIDIAN_DATA_DIR: dataDir,
      MERIDIAN_PAYMENTS_ERROR_RATE: '1.5',
    });

    expect(await exitCode(child)).toBe(1);
  });
});
