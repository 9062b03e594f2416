import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { stopProcessGroup } from './process-group';

const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/**
 * A stand-in for the launcher, in its own process group as `startPlatform` starts it: it starts a child
 * of its own (as the launcher starts regions), prints that child's pid, and on SIGTERM does `onTerm`.
 */
async function launcher(onTerm: 'exit' | 'ignore', exitAtOnce = false) {
  const script = [
    `const kid = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });`,
    onTerm === 'exit' ? `process.on('SIGTERM', () => process.exit(0));` : `process.on('SIGTERM', () => {});`,
    // Last: once the pid is read, the SIGTERM handler is in place.
    `console.log(kid.pid);`,
    exitAtOnce ? 'setTimeout(() => process.exit(0), 50);' : 'setInterval(() => {}, 1000);',
  ].join('\n');
  const child = spawn(process.execPath, ['-e', script], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  const grandchild = await new Promise<number>((resolve) =>
    child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  );
  return { child, grandchild };
}

/** Whether a process runs: it exists and is not a zombie waiting to be reaped. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, ms = 2_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

describe('stopProcessGroup', () => {
  it('stops a launcher that exits on SIGTERM, and what it left running in its group', async () => {
    const { child, grandchild } = await launcher('exit');
    const warnings: string[] = [];
    await stopProcessGroup(child, { graceMs: 5_000, name: 'launcher', warn: (m) => warnings.push(m) });
    expect(child.signalCode ?? child.exitCode).toBe(0);
    expect(await eventually(() => !running(grandchild))).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('SIGKILLs the group of a launcher that does not exit within the grace period, and says so', async () => {
    const { child, grandchild } = await launcher('ignore');
    const warnings: string[] = [];
    const before = Date.now();
    await stopProcessGroup(child, { graceMs: 300, name: 'launcher', warn: (m) => warnings.push(m) });
    expect(Date.now() - before).toBeLessThan(3_000);
    expect(child.signalCode).toBe('SIGKILL');
    expect(await eventually(() => !running(grandchild))).toBe(true);
    expect(warnings).toEqual([
      `launcher (pid ${child.pid}) did not exit within 0.3 s of SIGTERM; sending SIGKILL to its process group`,
    ]);
  });

  it('kills what is left in the group of a launcher that had already exited', async () => {
    const { child, grandchild } = await launcher('exit', true);
    await new Promise((resolve) =>
      child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve),
    );
    expect(running(grandchild)).toBe(true);
    await stopProcessGroup(child, { graceMs: 5_000, name: 'launcher' });
    expect(await eventually(() => !running(grandchild))).toBe(true);
  });
});
