import { describe, expect, it } from 'vitest';
import { Prng } from './prng';
import { processRuntime } from './process-runtime';
import { Scheduler, type SimProcess } from './scheduler';
import { Trace } from './trace';

function setup() {
  const errors: unknown[] = [];
  const scheduler = new Scheduler(1_000_000, new Trace(false), (_process, error) => errors.push(error));
  const process: SimProcess = { name: 'region', index: 0, incarnation: 0, up: true };
  const runtime = processRuntime({ scheduler, process, prng: new Prng(1), skewMs: () => 250 });
  return { scheduler, process, runtime, errors };
}

describe('Scheduler', () => {
  it('runs tasks in simulated time order, ties in the order they were scheduled', async () => {
    const { scheduler } = setup();
    const ran: string[] = [];
    scheduler.schedule(undefined, 30, () => ran.push('c'));
    scheduler.schedule(undefined, 10, () => ran.push('a'));
    scheduler.schedule(undefined, 10, () => ran.push('b'));
    expect(await scheduler.run(Number.POSITIVE_INFINITY)).toBe('idle');
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(scheduler.elapsed).toBe(30);
  });

  it('lets every promise a task set off settle, as its process, before the clock moves', async () => {
    const { scheduler, runtime } = setup();
    const seen: Array<{ at: number; current: string | undefined }> = [];
    scheduler.schedule(runtime.process, 5, () => {
      void Promise.resolve()
        .then(() => Promise.resolve())
        .then(() => seen.push({ at: scheduler.elapsed, current: scheduler.current?.name }));
    });
    scheduler.schedule(undefined, 6, () =>
      seen.push({ at: scheduler.elapsed, current: scheduler.current?.name }),
    );
    await scheduler.run(Number.POSITIVE_INFINITY);
    expect(seen).toEqual([
      { at: 5, current: 'region' },
      { at: 6, current: undefined },
    ]);
  });

  it("drops a crashed process's timers, also after it restarts", async () => {
    const { scheduler, process, runtime } = setup();
    const fired: string[] = [];
    runtime.timers.setTimeout(() => fired.push('before crash'), 100);
    scheduler.schedule(undefined, 50, () => {
      process.up = false;
      process.incarnation++;
    });
    scheduler.schedule(undefined, 60, () => {
      process.up = true;
      runtime.timers.setTimeout(() => fired.push('after restart'), 100);
    });
    await scheduler.run(Number.POSITIVE_INFINITY);
    expect(fired).toEqual(['after restart']);
  });

  it("holds a frozen process's timers until it wakes, then runs them in the order they were due", async () => {
    const { scheduler, process, runtime } = setup();
    const fired: Array<[string, number]> = [];
    runtime.timers.setTimeout(() => fired.push(['first', scheduler.elapsed]), 30);
    runtime.timers.setTimeout(() => fired.push(['second', scheduler.elapsed]), 40);
    scheduler.schedule(undefined, 20, () => {
      process.frozenUntil = scheduler.now + 100;
    });
    scheduler.schedule(undefined, 50, () => fired.push(['others go on', scheduler.elapsed]));
    await scheduler.run(Number.POSITIVE_INFINITY);
    expect(fired).toEqual([
      ['others go on', 50],
      ['first', 120],
      ['second', 120],
    ]);
  });

  it('gives a process its skewed clock and cancellable timers', async () => {
    const { scheduler, runtime } = setup();
    const fired: number[] = [];
    const handle = runtime.timers.setTimeout(() => fired.push(1), 10);
    runtime.timers.setTimeout(() => fired.push(runtime.clock.now()), 20);
    runtime.timers.clearTimeout(handle);
    await scheduler.run(Number.POSITIVE_INFINITY);
    expect(fired).toEqual([1_000_000 + 20 + 250]);
  });

  it('stops at the given time and reports a throwing task instead of stopping', async () => {
    const { scheduler, errors } = setup();
    scheduler.schedule(undefined, 10, () => {
      throw new Error('boom');
    });
    scheduler.schedule(undefined, 500, () => {});
    expect(await scheduler.run(1_000_000 + 100)).toBe('until');
    expect(scheduler.elapsed).toBe(100);
    expect(errors).toEqual([new Error('boom')]);
  });
});
