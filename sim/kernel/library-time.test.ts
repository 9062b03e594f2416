import { describe, expect, it } from 'vitest';
import { installLibraryTime } from './library-time';
import { Prng } from './prng';
import { processRuntime } from './process-runtime';
import { Scheduler, type SimProcess } from './scheduler';
import { Trace } from './trace';

function setup() {
  const scheduler = new Scheduler(5_000_000, new Trace(false), () => {});
  const process: SimProcess = { name: 'region', index: 0, incarnation: 0, up: true };
  const runtime = processRuntime({ scheduler, process, prng: new Prng(9, 'region'), skewMs: () => 1_000 });
  const restore = installLibraryTime(scheduler, (name) => (name === 'region' ? runtime : undefined));
  return { scheduler, process, restore };
}

describe('installLibraryTime', () => {
  it("makes a library's setTimeout, Date.now and Math.random those of the process whose task runs", async () => {
    const { scheduler, process, restore } = setup();
    const seen: Array<[string, number]> = [];
    try {
      scheduler.schedule(process, 10, () => {
        seen.push(['now', Date.now()]);
        setTimeout(() => seen.push(['timer', Date.now()]), 500);
        seen.push(['random', Math.random()]);
      });
      await scheduler.run(Number.POSITIVE_INFINITY);
    } finally {
      restore();
    }
    expect(seen[0]).toEqual(['now', 5_000_000 + 10 + 1_000]);
    expect(seen[1]?.[0]).toBe('random');
    expect(seen[1]?.[1]).toBe(new Prng(9, 'region').float());
    expect(seen[2]).toEqual(['timer', 5_000_000 + 510 + 1_000]);
  });

  it("drops a library timer with the process that set it, and gives Node's globals back", async () => {
    const { scheduler, process, restore } = setup();
    const fired: string[] = [];
    try {
      scheduler.schedule(process, 0, () => {
        setTimeout(() => fired.push('library retry'), 1_000);
      });
      scheduler.schedule(undefined, 500, () => {
        process.up = false;
        process.incarnation++;
      });
      await scheduler.run(Number.POSITIVE_INFINITY);
    } finally {
      restore();
    }
    expect(fired).toEqual([]);
    expect(Date.now()).toBeGreaterThan(1_600_000_000_000);
    await new Promise((resolve) => setTimeout(resolve, 1));
  });
});
