import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope } from '@meridian/contracts';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { openDatabase } from '../sqlite/open-database';
import type { BusClock, BusTimers, DeliveredEvent } from './types';

/** Shared by the bus tests; not part of the public API. */

export function makeEvent(id: string, overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': 'OrderPlaced',
    source: 'meridian.orders',
    account: '000000000000',
    time: '2024-05-01T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: { orderId: `order-${id}` },
    ...overrides,
  };
}

export function memoryDb(): Database {
  return new BetterSqlite3(':memory:');
}

/** A region-style database file in a fresh directory; `cleanup` closes every handle given out. */
export function tempDbFile(): { file: string; open(): Database; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bus-'));
  const file = join(dir, 'region.sqlite');
  const handles: Database[] = [];
  return {
    file,
    open() {
      const db = openDatabase(file);
      handles.push(db);
      return db;
    },
    cleanup() {
      for (const db of handles) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export class ManualClock implements BusClock {
  constructor(private ms = Date.parse('2024-05-01T12:00:00Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Timers that only fire when the test says so, so it can see exactly what the bus armed. */
export class ManualTimers implements BusTimers {
  private nextHandle = 1;
  readonly pending = new Map<number, { callback: () => void; delayMs: number }>();

  setTimeout(callback: () => void, delayMs: number): unknown {
    const handle = this.nextHandle++;
    this.pending.set(handle, { callback, delayMs });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const timer of due) timer.callback();
  }
}

/** A target that records what it received and fails its first `failures` invocations. */
export function recordingTarget(id: string, failures = 0) {
  const received: DeliveredEvent[] = [];
  let calls = 0;
  return {
    id,
    received,
    get calls() {
      return calls;
    },
    invoke: async (event: DeliveredEvent) => {
      calls += 1;
      if (calls <= failures) throw new Error(`${id} failure ${calls}`);
      received.push(event);
    },
  };
}

/** A promise whose settlement the test controls. */
export function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

export const ORDERS_PATTERN = { source: ['meridian.orders'] };
