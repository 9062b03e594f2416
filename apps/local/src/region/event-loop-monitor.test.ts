import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
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

  it('sees an idle loop as mostly waiting, and starts each window afresh', async () => {
    monitor = new EventLoopMonitor();
    block(150);
    monitor.measure();
    await sleep(400);
    const idle = monitor.measure();
    expect(idle.utilization).toBeLessThan(0.5);
    expect(idle.delayMs.max).toBeLessThan(150);
    // Lateness, not the sampling period: an idle loop's timers are almost on time.
    expect(idle.delayMs.p50).toBeLessThan(9);
  });

  it('reports the time since the start until its first window closes, then the last window', async () => {
    const started = performance.now();
    monitor = new EventLoopMonitor(200).start();
    block(50);
    expect(monitor.snapshot().windowMs).toBeGreaterThanOrEqual(50);
    await sleep(450);
    const { windowMs } = monitor.snapshot();
    expect(windowMs).toBeGreaterThanOrEqual(150);
    // A closed window, not the whole time since the start (the first window alone is 200 ms).
    expect(windowMs).toBeLessThanOrEqual(performance.now() - started - 150);
  });
});
