import type { Trace } from './trace';

/** Captured before anything can patch the globals: the scheduler's own turn of the real event loop. */
const realSetImmediate = globalThis.setImmediate;

/**
 * A simulated OS process: a region, the provider, the front door, the clients. A crash bumps its
 * incarnation, which drops every timer and message still addressed to the old one.
 */
export interface SimProcess {
  readonly name: string;
  /** A small number naming the process in the trace hash. */
  readonly index: number;
  incarnation: number;
  up: boolean;
  /** A frozen process (SIGSTOP, a long pause) runs nothing before this simulated time. */
  frozenUntil?: number;
}

export interface Task {
  readonly at: number;
  readonly seq: number;
  readonly process: SimProcess | undefined;
  readonly incarnation: number;
  run: (() => void) | undefined;
}

export type RunEnd = 'until' | 'stopped' | 'idle' | 'budget';

/**
 * The simulation's only source of time: a queue of tasks ordered by simulated time (then by the order
 * they were scheduled in). Each task runs, then every promise it set off settles (the real event loop
 * turns once, and nothing but this scheduler feeds it) before the clock moves to the next task. While a
 * task and its promises run, `current` names the process they belong to.
 */
export class Scheduler {
  /** Simulated epoch milliseconds. */
  now: number;
  current: SimProcess | undefined;
  tasksRun = 0;
  private readonly heap: Task[] = [];
  private seq = 0;
  private stopRequested = false;

  constructor(
    readonly startedAt: number,
    private readonly trace: Trace,
    private readonly onTaskError: (process: SimProcess | undefined, error: unknown) => void,
  ) {
    this.now = startedAt;
  }

  /** Milliseconds since the run began. */
  get elapsed(): number {
    return this.now - this.startedAt;
  }

  schedule(process: SimProcess | undefined, delayMs: number, run: () => void): Task {
    const task: Task = {
      at: this.now + Math.max(0, delayMs),
      seq: this.seq++,
      process,
      incarnation: process?.incarnation ?? 0,
      run,
    };
    this.push(task);
    return task;
  }

  cancel(task: Task | undefined): void {
    if (task) task.run = undefined;
  }

  /**
   * Makes the running task, and the promises it sets off, belong to `process` (a message delivered to
   * it: whoever receives it runs it, whatever incarnation is up by then).
   */
  enter(process: SimProcess): void {
    this.current = process;
  }

  /** Ends `run` after the current task. */
  stop(): void {
    this.stopRequested = true;
  }

  get pending(): number {
    return this.heap.length;
  }

  /**
   * Runs tasks until simulated time reaches `until`, `stop()` is called, the queue empties, or
   * `maxTasks` have run.
   */
  async run(until: number, maxTasks = Number.POSITIVE_INFINITY): Promise<RunEnd> {
    this.stopRequested = false;
    let budget = maxTasks;
    for (;;) {
      if (this.stopRequested) return 'stopped';
      const next = this.heap[0];
      if (!next) return 'idle';
      if (next.at > until) {
        this.now = until;
        return 'until';
      }
      if (budget-- <= 0) return 'budget';
      this.pop();
      const run = next.run;
      const process = next.process;
      if (!run || (process && (!process.up || process.incarnation !== next.incarnation))) continue;
      if (process?.frozenUntil !== undefined && process.frozenUntil > next.at) {
        // Its timers fire when it wakes, in the order they were due.
        this.push({ ...next, at: process.frozenUntil });
        continue;
      }
      next.run = undefined;
      this.now = next.at;
      this.tasksRun++;
      this.trace.mixNumber(next.at);
      this.trace.mixNumber(process?.index ?? -1);
      this.current = process;
      try {
        run();
      } catch (error) {
        this.onTaskError(process, error);
      }
      // Let every promise the task set off settle, still as `process`, before the clock moves on.
      await new Promise<void>((resolve) => realSetImmediate(resolve));
      this.current = undefined;
    }
  }

  private push(task: Task): void {
    const heap = this.heap;
    heap.push(task);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(task, heap[parent] as Task)) break;
      heap[i] = heap[parent] as Task;
      i = parent;
    }
    heap[i] = task;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop() as Task;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right] as Task, heap[left] as Task) ? right : left;
      if (!before(heap[child] as Task, last)) break;
      heap[i] = heap[child] as Task;
      i = child;
    }
    heap[i] = last;
  }
}

function before(a: Task, b: Task): boolean {
  return a.at !== b.at ? a.at < b.at : a.seq < b.seq;
}
