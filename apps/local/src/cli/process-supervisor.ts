import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../config/local-config';
import { formatLogLine } from './log-format';

export interface ManagedProcess {
  name: string;
  /** A TypeScript source (run under tsx) or a JavaScript bundle (run by Node directly). */
  script: string;
  env: Record<string, string>;
}

/**
 * Runs Meridian's processes as children (each its own OS process, so a region can really be killed),
 * prints their logs readably, keeps the raw JSON logs in files and a pid file per process.
 */
export class ProcessSupervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;

  constructor(
    private readonly options: {
      logDir: string;
      runDir: string;
      color: boolean;
      onExit?: (name: string, code: number | null, signal: string | null) => void;
    },
  ) {
    mkdirSync(options.logDir, { recursive: true });
    mkdirSync(options.runDir, { recursive: true });
  }

  start(managed: ManagedProcess): ChildProcess {
    // MERIDIAN_PROFILE_DIR=<dir> writes V8 CPU profiles of every process to <dir>/<process>/ when it exits.
    const profile = process.env.MERIDIAN_PROFILE_DIR
      ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.MERIDIAN_PROFILE_DIR, managed.name)}`]
      : [];
    // A TypeScript source runs under tsx; a bundle (see process-bundles.ts) runs on Node as it is.
    const loader = /\.[cm]?tsx?$/.test(managed.script) ? ['--import', 'tsx'] : [];
    const child = spawn(process.execPath, [...profile, ...loader, managed.script], {
      env: { ...process.env, ...managed.env },
      // `--import tsx` resolves from the working directory, so children always start in the repository.
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.set(managed.name, child);
    if (child.pid) writeFileSync(join(this.options.runDir, `${managed.name}.pid`), String(child.pid));
    const logFile = createWriteStream(this.logFile(managed.name), { flags: 'a' });
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        logFile.write(`${line}\n`);
        console.log(formatLogLine(managed.name, line, this.options.color));
      });
    }
    child.on('exit', (code, signal) => {
      logFile.end();
      rmSync(join(this.options.runDir, `${managed.name}.pid`), { force: true });
      if (this.children.get(managed.name) === child) this.children.delete(managed.name);
      if (!this.stopping) this.options.onExit?.(managed.name, code, signal);
    });
    return child;
  }

  /** Where a process's raw output is kept. */
  logFile(name: string): string {
    return join(this.options.logDir, `${name}.log`);
  }

  isRunning(name: string): boolean {
    const child = this.children.get(name);
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  pid(name: string): number | undefined {
    return this.isRunning(name) ? this.children.get(name)?.pid : undefined;
  }

  /** Every process started, with its pid while it runs. */
  processes(): Array<{ name: string; pid: number | null }> {
    return [...this.children.keys()].map((name) => ({ name, pid: this.pid(name) ?? null }));
  }

  /** Sends a signal to one process (SIGKILL for a real crash) and resolves when it has exited. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<boolean> {
    const child = this.children.get(name);
    if (!child || !this.isRunning(name)) return false;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    return true;
  }

  /** SIGTERM everyone, wait for clean exits, SIGKILL whatever is still running after the grace period. */
  async stopAll(graceMs = 5000): Promise<void> {
    this.stopping = true;
    const running = [...this.children.values()];
    const exits = running.map(
      (child) =>
        new Promise<void>((resolve) =>
          child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
        ),
    );
    for (const child of running) child.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
    }, graceMs);
    await Promise.all(exits);
    clearTimeout(timer);
  }
}
