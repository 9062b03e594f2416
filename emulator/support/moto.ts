import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@meridian/local/tests/support/ports';

const LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), '..', 'moto-server.py');

export interface RunningMoto {
  /** e.g. http://127.0.0.1:5123: every AWS SDK client of the suite points here. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts moto_server (through emulator/moto-server.py) on a free port, with state machines executed.
 * moto's Step Functions invokes Lambda at `http://localhost:<MOTO_PORT>`: `lambdaPort` is where the
 * suite's Lambda endpoint listens (moto itself runs Lambda only with Docker). `stepFunctionsTimeScale`
 * shortens the waits between a state's retries by that factor (its attempts stay as deployed).
 */
export async function startMoto(options: {
  lambdaPort: number;
  stepFunctionsTimeScale?: number;
}): Promise<RunningMoto> {
  const port = await freePort();
  const output: string[] = [];
  const timeScale =
    options.stepFunctionsTimeScale === undefined
      ? {}
      : { EMULATOR_STEP_FUNCTIONS_TIME_SCALE: String(options.stepFunctionsTimeScale) };
  const child = spawn('python3', [LAUNCHER, '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_PORT: String(options.lambdaPort), PYTHONUNBUFFERED: '1', ...timeScale },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilServing(url, child, output);
  await configure(url);
  return { url, port, stop: () => stopProcess(child) };
}

async function waitUntilServing(url: string, child: ChildProcess, output: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto_server exited with ${child.exitCode}:\n${output.join('')}`);
    }
    try {
      const response = await fetch(`${url}/moto-api/`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`moto_server did not start within 30 s:\n${output.join('')}`);
}

/** State machines run their definitions (moto's default only records executions as RUNNING). */
async function configure(url: string): Promise<void> {
  const response = await fetch(`${url}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
  });
  if (!response.ok) throw new Error(`moto refused its configuration: ${response.status}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
