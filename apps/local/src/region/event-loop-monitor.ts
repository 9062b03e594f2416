import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { EventLoopLoad } from '@meridian/contracts';

export type { EventLoopLoad };

/** How often Node's delay sampler runs; its histogram records the time between runs. */
const RESOLUTION_MS = 10;

/**
 * Measures the event loop in windows (default 5 s) with Node's own instruments: event-loop utilization
 * and the delay histogram. A region whose loop is busy most of the time is at its capacity: requests and
 * saga steps then queue behind each other, which is what makes latency grow near it.
 */
export class EventLoopMonitor {
  private readonly delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private windowStart = performance.eventLoopUtilization();
  private windowStartedAt = performance.now();
  private latest: EventLoopLoad | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly windowMs = 5_000) {
    this.delay.enable();
  }

  /** Measures a window every `windowMs` from now on (the timer does not keep the process alive). */
  start(): this {
    this.timer ??= setInterval(() => {
      this.latest = this.measure();
    }, this.windowMs).unref();
    return this;
  }

  /** The last closed window (5–10 s old at most), or the time since the last reset while none has closed. */
  snapshot(): EventLoopLoad {
    return this.latest ?? this.measure(false);
  }

  /** Closes the current window (unless `reset` is false) and returns what it saw. */
  measure(reset = true): EventLoopLoad {
    const now = performance.now();
    const utilization = performance.eventLoopUtilization(this.windowStart).utilization;
    // The histogram records the time between the sampling timer's runs; lateness is what exceeds its period.
    const ms = (nanoseconds: number) =>
      Math.max(0, Math.round((nanoseconds / 1e6 - RESOLUTION_MS) * 10) / 10);
    const load: EventLoopLoad = {
      utilization: Math.round(utilization * 1000) / 1000,
      delayMs: {
        p50: ms(this.delay.count > 0 ? this.delay.percentile(50) : 0),
        p99: ms(this.delay.count > 0 ? this.delay.percentile(99) : 0),
        max: ms(this.delay.count > 0 ? this.delay.max : 0),
      },
      windowMs: Math.round(now - this.windowStartedAt),
    };
    if (reset) {
      this.windowStart = performance.eventLoopUtilization();
      this.windowStartedAt = now;
      this.delay.reset();
    }
    return load;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.delay.disable();
  }
}
