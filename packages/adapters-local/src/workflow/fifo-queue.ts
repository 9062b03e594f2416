/** A FIFO whose take is O(1): Array#shift copies the array, which adds up with thousands queued. */
export class FifoQueue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  take(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    // Released at once: with a backlog the array is compacted rarely, and a taken item (an execution,
    // with everything its finished run holds) must not stay reachable until then.
    this.items[this.head] = undefined;
    this.head += 1;
    // Compacted now and then so a long-lived queue does not keep every item it ever held.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Empties the queue, returning what it held in order. */
  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}
