import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { FifoQueue } from './fifo-queue';

// A collector the test can call (vitest does not run with --expose-gc).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('FifoQueue', () => {
  it('keeps first-in-first-out order across compactions and drains the rest', () => {
    const queue = new FifoQueue<number>();
    for (let i = 0; i < 3000; i++) queue.push(i);

    const taken = Array.from({ length: 2500 }, () => queue.take());
    for (let i = 3000; i < 3010; i++) queue.push(i);

    expect(taken).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    expect(queue.size).toBe(510);
    expect(queue.take()).toBe(2500);
    expect(queue.drain()).toEqual(Array.from({ length: 509 }, (_, i) => 2501 + i));
    expect(queue.size).toBe(0);
    expect(queue.take()).toBeUndefined();
  });

  // With a backlog the queue grows faster than it is taken from and is compacted rarely: a taken item
  // (a finished execution, with all its run retained) must not stay reachable from the queue meanwhile.
  it('does not keep an item reachable once it has been taken', async () => {
    const queue = new FifoQueue<{ payload: number[] }>();
    let taken: WeakRef<object> | undefined;
    (() => {
      queue.push({ payload: Array.from({ length: 1000 }, (_, i) => i) });
      for (let i = 0; i < 100; i++) queue.push({ payload: [i] });
      const item = queue.take();
      if (item) taken = new WeakRef(item);
    })();
    // A WeakRef keeps its target alive until the current job ends.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(taken?.deref()).toBeUndefined();
    expect(queue.size).toBe(100);
  });
});
