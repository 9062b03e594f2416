import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { LinkState } from './link-state';

describe('LinkState', () => {
  it('wakes every waiter when the link heals, and at once while it is up', async () => {
    const link = new LinkState(false);
    let woken = 0;
    const waiting = [link.whenUp(), link.whenUp()].map((wait) => wait.then(() => woken++));
    await Promise.resolve();
    expect(woken).toBe(0);
    link.set(true);
    await Promise.all(waiting);
    expect(woken).toBe(2);
    await expect(link.whenUp()).resolves.toBeUndefined();
  });

  it('leaves no listener on the caller’s signal after many cuts and heals', async () => {
    const link = new LinkState();
    const controller = new AbortController();
    for (let cut = 0; cut < 25; cut++) {
      link.set(false);
      const waits = [link.whenUp(controller.signal), link.whenUp(controller.signal)];
      link.set(true);
      await Promise.all(waits);
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('an abort releases the waiter without waiting for the link', async () => {
    const link = new LinkState(false);
    const controller = new AbortController();
    const waiting = link.whenUp(controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
