import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/config/local-config';

export { freePort } from '../support/ports';

/** Starts one of Meridian's process entries (e.g. 'region/main.ts') from source with tsx (`npm start` runs bundles of them). */
export function startProcess(
  entry: string,
  env: Record<string, string>,
): ChildProcess & { output: string[] } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'apps/local/src', entry)], {
    env: { ...process.env, ...env },
    // `--import tsx` resolves from the working directory, so children always start in the repository.
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  }) as ChildProcess & { output: string[] };
  child.output = [];
  child.stdout?.on('data', (chunk: Buffer) => child.output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => child.output.push(chunk.toString()));
  return child;
}

export async function waitForHealthy(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) })
      .then(async (response) => {
        await response.body?.cancel();
        return response.ok;
      })
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not healthy within ${timeoutMs} ms: ${url}`);
}

export async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once('exit', resolve));
}
