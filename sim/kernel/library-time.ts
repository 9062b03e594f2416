import type { ProcessRuntime } from './process-runtime';
import type { Scheduler, Task } from './scheduler';

/** A timer handle as Node's: the library may call these on it. */
class SimTimeout {
  constructor(readonly task: Task) {}
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  hasRef(): boolean {
    return false;
  }
  [Symbol.toPrimitive](): number {
    return this.task.seq;
  }
}

/**
 * aws-local-stepfunctions schedules on its own: each Task state's timeout, the execution's timeout and
 * every Retry wait are `setTimeout`s, its jitter is `Math.random()` and its event times `Date.now()`.
 * While a simulated run is going, those globals are routed to the process whose task is running (the
 * scheduler's `current`): the library's timers become that process's tasks (a crash drops them), its
 * jitter comes from that process's seeded stream, and its clock is that process's clock. Outside any
 * task (the harness between runs) they are Node's. Returns the function that puts Node's back.
 */
export function installLibraryTime(
  scheduler: Scheduler,
  runtimeOf: (processName: string) => ProcessRuntime | undefined,
): () => void {
  const real = {
    setImmediate: globalThis.setImmediate,
    setTimeout: globalThis.setTimeout,
    clearTimeout: globalThis.clearTimeout,
    now: Date.now,
    random: Math.random,
  };
  const current = () => {
    const process = scheduler.current;
    return process ? runtimeOf(process.name) : undefined;
  };
  const patched = {
    setTimeout: ((callback: (...args: unknown[]) => void, delayMs?: number, ...args: unknown[]) => {
      const runtime = current();
      if (!runtime) return real.setTimeout(callback, delayMs, ...args);
      return new SimTimeout(runtime.timers.setTimeout(() => callback(...args), delayMs ?? 0) as Task);
    }) as unknown as typeof setTimeout,
    // Anything in a process falling back to Node's setImmediate (a port not injected) stays in the run.
    setImmediate: ((callback: (...args: unknown[]) => void, ...args: unknown[]) => {
      const runtime = current();
      if (!runtime) return real.setImmediate(callback, ...args);
      runtime.timers.setImmediate(() => callback(...args));
      return undefined;
    }) as unknown as typeof setImmediate,
    clearTimeout: ((handle: unknown) => {
      if (handle instanceof SimTimeout) scheduler.cancel(handle.task);
      else real.clearTimeout(handle as Parameters<typeof clearTimeout>[0]);
    }) as typeof clearTimeout,
    now: () => current()?.clock.now() ?? scheduler.now,
    random: () => current()?.random.float() ?? real.random(),
  };
  globalThis.setTimeout = patched.setTimeout;
  globalThis.setImmediate = patched.setImmediate;
  globalThis.clearTimeout = patched.clearTimeout;
  Date.now = patched.now;
  Math.random = patched.random;
  return () => {
    globalThis.setTimeout = real.setTimeout;
    globalThis.setImmediate = real.setImmediate;
    globalThis.clearTimeout = real.clearTimeout;
    Date.now = real.now;
    Math.random = real.random;
  };
}
