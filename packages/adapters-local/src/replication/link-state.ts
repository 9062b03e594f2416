/**
 * Whether this region may talk to its peers. Cutting the link simulates a network partition between
 * regions: replication pulls stop, peers' requests are refused, stock transfers fail. Healing resumes.
 */
export class LinkState {
  private waiters: Array<() => void> = [];

  constructor(private isUp = true) {}

  get up(): boolean {
    return this.isUp;
  }

  set(up: boolean): void {
    this.isUp = up;
    if (up) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves once the link is up (at once when it already is), or when aborted. */
  whenUp(signal?: AbortSignal): Promise<void> {
    if (this.isUp || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      // Whichever comes first removes the other: the pullers wait here at every cut, on one long-lived
      // signal, and a listener left behind per cut would pile up for the life of the process.
      const onAbort = () => {
        this.waiters = this.waiters.filter((waiter) => waiter !== wake);
        resolve();
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiters.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
