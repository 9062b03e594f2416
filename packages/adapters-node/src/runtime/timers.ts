/** What a Timers port returns for a scheduled callback; only the same port can cancel it. */
export type TimerHandle = unknown;

/**
 * The timers the local adapters schedule their work with. Every timer goes through this port, so a
 * simulation can drive time itself (DESIGN §2: no timer created outside an adapter).
 */
export interface Timers {
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Runs `callback` on a later turn of the event loop, once the current one has finished. */
  setImmediate(callback: () => void): void;
}

/** Node clamps longer timeouts to 1 ms, which would turn a far-away wake-up into a hot loop. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Node's timers, unref'd: a region process is kept alive by its server, and background work waiting
 * for a timer (a retry, a sweep) must never keep a stopping process alive on its own. The globals are
 * looked up at each call, so tests that fake them (vi.useFakeTimers) still control these.
 */
export const systemTimers: Timers = {
  setTimeout(callback, delayMs) {
    return setTimeout(callback, Math.min(Math.max(0, delayMs), MAX_TIMER_DELAY_MS)).unref();
  },
  clearTimeout(handle) {
    if (handle !== undefined) clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
  setImmediate(callback) {
    setImmediate(callback);
  },
};

/**
 * Resolves after `delayMs`, or at once when `signal` aborts; never rejects. The abort listener is
 * removed when the wait ends, so a long-lived signal does not collect one per wait.
 */
export function sleep(timers: Timers, delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      timers.clearTimeout(handle);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const handle = timers.setTimeout(done, delayMs);
    signal?.addEventListener('abort', done, { once: true });
  });
}
