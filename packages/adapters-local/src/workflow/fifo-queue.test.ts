import { describe, expect, it } from 'vitest';
import { FifoQueue } from './fifo-queue';

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
});
