import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventLoopMonitor } from './event-loop-monitor';

/** Keeps the loop busy for `ms`, as a long synchronous task (a big commit, a large batch) would. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}

let monitor: EventLoopMonitor | undefined;
afterEach(() => monitor?.stop());

describe('EventLoopMonitor', () => {
  it('sees a loop kept busy by long tasks: high utilization, timers late by about a task', async () => {
    monitor = new EventLoopMonitor();
    monitor.measure();
    for (let i = 0; i < 4; i++) {
      block(120);
      await sleep(1);
    }
    const busy = monitor.measure();
    expect(busy.utilization).toBeGreaterThan(0.6);
    expect(busy.delayMs.max).toBeGreaterThanOrEqual(100);
    expect(busy.windowMs).toBeGreaterThanOrEqual(480);
  });

  it('closes a busy window and starts the next one afresh: an idle loop is seen as mostly waiting', async () => {
    monitor = new EventLoopMonitor();
    await sleep(30); // the delay sampler has run once: it has a start to measure the stall from
    block(300);
    await sleep(20); // and runs again, recording the stall
    const busy = monitor.measure();
    expect(busy.delayMs.max).toBeGreaterThanOrEqual(250);
    expect(busy.utilization).toBeGreaterThan(0.5);
    await sleep(400);
    const idle = monitor.measure();
    // The stall stayed in the closed window (without the resets: max ≥ 250, utilization about 0.4).
    expect(idle.delayMs.max).toBeLessThan(250);
    expect(idle.utilization).toBeLessThan(0.25);
    // Lateness, not the sampling period: an idle loop's timers are almost on time.
    expect(idle.delayMs.p50).toBeLessThan(9);
  });

  it('reports the time since the start until its first window closes, then the last closed window', async () => {
    const started = performance.now();
    const running = new EventLoopMonitor(200).start();
    monitor = running;
    block(50);
    expect(running.snapshot().windowMs).toBeGreaterThanOrEqual(50);
    // Waits for closed windows (the same object until the next closes) however late the timers run.
    const closed = async (previous?: unknown) => {
      await vi.waitFor(
        () => {
          const window = running.snapshot();
          expect(window).toBe(running.snapshot());
          expect(window).not.toBe(previous);
        },
        { timeout: 5_000, interval: 10 },
      );
      return { window: running.snapshot(), seenAt: performance.now() };
    };
    const first = await closed();
    const second = await closed(first.window);
    expect(first.window.windowMs).toBeGreaterThanOrEqual(190);
    // The second covers its own window only, not the time since the start.
    expect(second.window.windowMs).toBeLessThanOrEqual(second.seenAt - started - first.window.windowMs + 2);
  });
});
