/** A timestamped phase log for the person at the terminal: elapsed seconds since the run started. */
export class Progress {
  private readonly startedAt = Date.now();
  readonly phases: Array<{ name: string; atMs: number }> = [];

  elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  /** A new phase of the timeline; also kept for the JSON report. */
  phase(name: string): void {
    this.phases.push({ name, atMs: this.elapsedMs() });
    console.log(`${this.stamp()} == ${name}`);
  }

  info(message: string): void {
    console.log(`${this.stamp()}    ${message}`);
  }

  warn(message: string): void {
    console.log(`${this.stamp()} !! ${message}`);
  }

  private stamp(): string {
    const seconds = (this.elapsedMs() / 1000).toFixed(1).padStart(6);
    return `[${new Date().toISOString().slice(11, 23)} +${seconds}s]`;
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    // The listener is removed when the timer fires: long-lived signals would otherwise collect thousands.
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
