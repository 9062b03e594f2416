import type { RandomSource, Timers } from '@meridian/adapters-node';
import type { Clock } from '@meridian/domain';
import type { Prng } from './prng';
import type { Scheduler, SimProcess, Task } from './scheduler';

/** Node's longest timer; anything longer (or shorter than 1 ms) fires after 1 ms, as in Node. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** What a simulated process gets instead of the wall clock, Node's timers and the system's randomness. */
export interface ProcessRuntime {
  process: SimProcess;
  clock: Clock;
  timers: Timers;
  random: RandomSource;
}

/**
 * The ports of one process: its clock is the simulated time plus its skew, its timers are tasks of the
 * scheduler owned by the process (a crash drops them), and it draws randomness from its own stream. A
 * timer fires up to `lateMs` late, as an event loop busy with other work would fire it.
 */
export function processRuntime(options: {
  scheduler: Scheduler;
  process: SimProcess;
  prng: Prng;
  skewMs: () => number;
  lateMs?: number;
}): ProcessRuntime {
  const { scheduler, process, prng } = options;
  const lateMs = options.lateMs ?? 0;
  return {
    process,
    clock: { now: () => Math.round(scheduler.now + options.skewMs()) },
    timers: {
      setTimeout(callback, delayMs) {
        const delay = delayMs >= 1 && delayMs <= MAX_DELAY_MS ? delayMs : 1;
        return scheduler.schedule(process, delay + (lateMs > 0 ? prng.int(0, lateMs) : 0), callback);
      },
      clearTimeout(handle) {
        scheduler.cancel(handle as Task | undefined);
      },
      setImmediate(callback) {
        scheduler.schedule(process, 0, callback);
      },
    },
    random: { float: () => prng.float(), fill: (bytes) => prng.fill(bytes) },
  };
}
