import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { serveInvokeApi } from './lambda-invoke-api';

const WORKER = join(dirname(fileURLToPath(import.meta.url)), 'lambda-worker.mjs');

/** One function of the synthesized service stack, as Lambda would run it. */
export interface DeployedFunction {
  /** The function's logical id, used as its name. */
  name: string;
  arn: string;
  /** The bundle's entry file (`asset.<hash>/index.mjs`). */
  bundle: string;
  /** The exported handler (`index.handler` → `handler`). */
  handlerName: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySize: number;
  /** Where Lambda puts asynchronous invocations that failed every retry (the function's DeadLetterConfig). */
  deadLetterQueueArn?: string;
}

export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export type InvocationResult = { ok: true; payload: unknown } | { ok: false; error: LambdaError };

interface Container {
  worker: Worker;
  /** True once the bundle is loaded; false when the container was stopped before that. */
  ready: Promise<boolean>;
  stopBeforeReady: () => void;
  pending: Map<string, { resolve: (result: InvocationResult) => void }>;
}

/**
 * Runs the bundled functions like Lambda: each function in its own worker thread (its own environment
 * and module state, like a warm container), invoked with the event and a Lambda context; a thrown error
 * comes back as Lambda reports it. It also answers Lambda's Invoke API over HTTP, which is how moto's
 * Step Functions calls the saga's Task functions.
 *
 * Unlike Lambda, one container serves all concurrent invocations of a function (they interleave on its
 * event loop); a timed-out invocation is reported as `Sandbox.Timedout` at once, and its container is
 * stopped when it serves no other invocation.
 */
export class LambdaHost {
  private readonly containers = new Map<string, Container>();
  private readonly overrides = new Map<string, Record<string, string>>();
  private readonly clocksAhead = new Map<string, number>();
  private readonly holds = new Map<string, Promise<void>>();
  private readonly logs = new Map<string, string[]>();
  private server?: Server;

  constructor(
    private readonly functions: readonly DeployedFunction[],
    /** Added to every function's environment: credentials and the emulator's endpoint. */
    private readonly runtimeEnvironment: Record<string, string>,
    private readonly options: { echoLogs?: boolean } = {},
  ) {}

  /** The function a name, an ARN or an alias ARN (`…:function:<name>:live`) refers to. */
  find(nameOrArn: string): DeployedFunction {
    const name = nameOrArn.startsWith('arn:') ? (nameOrArn.split(':')[6] ?? '') : nameOrArn.split(':')[0];
    const found = this.functions.find((fn) => fn.name === name);
    if (!found) throw new Error(`no function ${nameOrArn} is deployed`);
    return found;
  }

  get names(): string[] {
    return this.functions.map((fn) => fn.name);
  }

  async invoke(nameOrArn: string, event: unknown): Promise<InvocationResult> {
    const fn = this.find(nameOrArn);
    await this.holds.get(fn.name);
    let container = this.container(fn);
    // A container stopped while it loaded (a reconfiguration) is replaced, as Lambda starts another.
    while (!(await container.ready)) container = this.container(fn);
    const id = randomUUID();
    const timeoutMs = fn.timeoutSeconds * 1000;
    return new Promise<InvocationResult>((resolve) => {
      const timer = setTimeout(() => {
        container.pending.delete(id);
        // Lambda stops the sandbox on a timeout and the next invocation starts cold. Here the container may
        // serve other invocations too, which Lambda would run in sandboxes of their own: it is stopped
        // only when it serves nothing else.
        if (container.pending.size === 0) void this.retire(fn.name);
        resolve({
          ok: false,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `Task timed out after ${fn.timeoutSeconds} seconds`,
            trace: [],
          },
        });
      }, timeoutMs);
      container.pending.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      });
      container.worker.postMessage({
        id,
        event,
        requestId: id,
        deadline: Date.now() + timeoutMs,
        invokedFunctionArn: nameOrArn.startsWith('arn:') ? nameOrArn : fn.arn,
      });
    });
  }

  /**
   * Changes a function's environment, as a configuration update does: running containers are retired
   * and the next invocation starts a new one with the new values (`undefined` restores the deployed ones).
   */
  async reconfigure(name: string, environment: Record<string, string> | undefined): Promise<void> {
    if (environment) this.overrides.set(name, environment);
    else this.overrides.delete(name);
    await this.retire(name);
  }

  /**
   * Holds every invocation of a function until `release()`, as a slow start or throttling would: its
   * caller (a Task of the state machine) waits. Lets a test change the world between two saga steps.
   */
  hold(nameOrArn: string): { release(): void } {
    const { name } = this.find(nameOrArn);
    let release = () => {};
    this.holds.set(
      name,
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    return {
      release: () => {
        this.holds.delete(name);
        release();
      },
    };
  }

  /**
   * Runs a function as if it ran `aheadMs` later: its container's clock (`Date`) is that far ahead, so
   * work it backed off for minutes is due (0 puts it back). The next invocation starts a new container.
   */
  async setClockAhead(nameOrArn: string, aheadMs: number): Promise<void> {
    const { name } = this.find(nameOrArn);
    if ((this.clocksAhead.get(name) ?? 0) === aheadMs) return;
    if (aheadMs === 0) this.clocksAhead.delete(name);
    else this.clocksAhead.set(name, aheadMs);
    await this.retire(name);
  }

  /** Gives every reconfigured function its deployed environment back (a new container each). */
  async restoreDeployedConfiguration(): Promise<void> {
    for (const name of [...this.overrides.keys()]) await this.reconfigure(name, undefined);
  }

  /** What a function wrote to stdout and stderr (its CloudWatch log stream), oldest first. */
  logsOf(name: string): string[] {
    return [...(this.logs.get(name) ?? [])];
  }

  /** Serves Lambda's Invoke API (`POST /2015-03-31/functions/<name>/invocations`) on the given port. */
  async listen(port: number): Promise<void> {
    this.server = await serveInvokeApi((nameOrArn, event) => this.invoke(nameOrArn, event), port);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await Promise.all([...this.containers.keys()].map((name) => this.retire(name)));
  }

  private container(fn: DeployedFunction): Container {
    const existing = this.containers.get(fn.name);
    if (existing) return existing;
    const worker = new Worker(WORKER, {
      workerData: {
        bundle: fn.bundle,
        handlerName: fn.handlerName,
        functionName: fn.name,
        functionArn: fn.arn,
        memorySize: fn.memorySize,
        clockAheadMs: this.clocksAhead.get(fn.name) ?? 0,
      },
      env: {
        ...this.runtimeEnvironment,
        ...fn.environment,
        ...this.overrides.get(fn.name),
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      },
      stdout: true,
      stderr: true,
    });
    const pending: Container['pending'] = new Map();
    let settleReady: (loaded: boolean) => void = () => {};
    let failReady: (error: Error) => void = () => {};
    const ready = new Promise<boolean>((resolve, reject) => {
      settleReady = resolve;
      failReady = reject;
    });
    const log = (chunk: Buffer) => {
      const lines = this.logs.get(fn.name) ?? [];
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      if (lines.length > 2_000) lines.splice(0, lines.length - 2_000);
      this.logs.set(fn.name, lines);
      if (this.options.echoLogs) process.stdout.write(`[${fn.name}] ${chunk.toString('utf8')}`);
    };
    worker.stdout.on('data', log);
    worker.stderr.on('data', log);
    worker.on(
      'message',
      (message: { ready?: boolean; id?: string } & Partial<{ result: unknown; error: LambdaError }>) => {
        if (message.ready) return settleReady(true);
        const waiting = message.id ? pending.get(message.id) : undefined;
        if (!waiting || !message.id) return;
        pending.delete(message.id);
        waiting.resolve(
          message.error ? { ok: false, error: message.error } : { ok: true, payload: message.result },
        );
      },
    );
    worker.on('error', (error) => {
      failReady(error);
      for (const [id, waiting] of pending) {
        pending.delete(id);
        waiting.resolve({
          ok: false,
          error: { errorType: 'Runtime.ExitError', errorMessage: String(error), trace: [] },
        });
      }
      this.containers.delete(fn.name);
    });
    const container = { worker, ready, pending, stopBeforeReady: () => settleReady(false) };
    this.containers.set(fn.name, container);
    return container;
  }

  private async retire(name: string): Promise<void> {
    const container = this.containers.get(name);
    if (!container) return;
    this.containers.delete(name);
    container.stopBeforeReady();
    for (const [id, waiting] of container.pending) {
      container.pending.delete(id);
      waiting.resolve({
        ok: false,
        error: { errorType: 'Runtime.ExitError', errorMessage: 'the container was stopped', trace: [] },
      });
    }
    await container.worker.terminate();
  }
}
