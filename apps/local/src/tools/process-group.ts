import type { ChildProcess } from 'node:child_process';

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
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
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
