import { afterEach, describe, expect, it } from 'vitest';
import { BusConfigurationError, InvalidEventError, InvalidEventPatternError } from './errors';
import { LocalEventBus } from './local-event-bus';
import {
  deferred,
  ManualClock,
  ManualTimers,
  makeEvent,
  memoryDb,
  ORDERS_PATTERN,
  recordingTarget,
} from './test-support';
import type { BusErrorInfo, LocalEventBusOptions } from './types';

const buses: LocalEventBus[] = [];

function newBus(options: Partial<LocalEventBusOptions> = {}): LocalEventBus {
  const bus = new LocalEventBus({ db: memoryDb(), name: 'orders', ...options });
  buses.push(bus);
  return bus;
}

afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.stop()));
});

describe('LocalEventBus routing', () => {
  it('delivers each event to the targets of matching rules only, as the same JSON envelope', async () => {
    const bus = newBus();
    const orders = recordingTarget('orders-target');
    const catalog = recordingTarget('catalog-target');
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [orders] });
    bus.addRule({ name: 'catalog', eventPattern: { source: ['meridian.catalog'] }, targets: [catalog] });
    bus.start();

    const placed = makeEvent('e1', { detail: { orderId: 'o-1', lines: [{ sku: 'a', quantity: 1 }] } });
    const result = await bus.putEvents([placed, makeEvent('e2', { source: 'meridian.inventory' })]);
    await bus.drain();

    expect(result).toEqual({ accepted: 2, duplicates: 0 });
    expect(orders.received).toEqual([placed]);
    expect(catalog.calls).toBe(0);
    expect(bus.stats()).toEqual({
      pendingDeliveries: 0,
      inFlightDeliveries: 0,
      deadLetters: 0,
      archivedEvents: 2,
    });
  });

  it('fans an event out to every target of every matching rule', async () => {
    const bus = newBus();
    const [a, b, c] = [recordingTarget('a'), recordingTarget('b'), recordingTarget('c')];
    bus.addRule({ name: 'r1', eventPattern: ORDERS_PATTERN, targets: [a, b] });
    bus.addRule({ name: 'r2', eventPattern: { 'detail-type': [{ prefix: 'Order' }] }, targets: [c] });
    bus.start();

    await bus.putEvents([makeEvent('e1')]);
    await bus.drain();

    expect([a.calls, b.calls, c.calls]).toEqual([1, 1, 1]);
  });

  it('archives and delivers an event id once, however often it is published', async () => {
    const bus = newBus();
    const target = recordingTarget('t');
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    bus.start();

    const first = await bus.putEvents([makeEvent('e1'), makeEvent('e1')]);
    const again = await bus.putEvents([makeEvent('e1', { detail: { changed: true } })]);
    await bus.drain();

    expect(first).toEqual({ accepted: 1, duplicates: 1 });
    expect(again).toEqual({ accepted: 0, duplicates: 1 });
    expect(target.calls).toBe(1);
    expect(target.received[0]?.detail).toEqual({ orderId: 'order-e1' });
    expect(bus.stats().archivedEvents).toBe(1);
  });

  it('rejects the whole batch when one envelope is invalid, writing nothing', async () => {
    const bus = newBus();
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [recordingTarget('t')] });
    const invalid = { ...makeEvent('e2'), source: '' };
    const badTime = makeEvent('e3', { time: 'yesterday' });
    const notJson = makeEvent('e4', { detail: { amount: 10n } });

    const attempt = bus.putEvents([makeEvent('e1'), invalid, badTime, notJson]);

    await expect(attempt).rejects.toThrow(InvalidEventError);
    await attempt.catch((error: InvalidEventError) => {
      expect(error.issues.map((issue) => issue.index)).toEqual([1, 2, 3]);
      expect(error.issues[0]?.message).toContain('source');
      expect(error.issues[1]?.message).toContain('yesterday');
    });
    expect(bus.stats()).toMatchObject({ pendingDeliveries: 0, archivedEvents: 0 });
  });

  it('keeps deliveries in the database until start()', async () => {
    const bus = newBus();
    const target = recordingTarget('t');
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });

    await bus.putEvents([makeEvent('e1')]);
    await bus.drain();
    expect(target.calls).toBe(0);
    expect(bus.stats().pendingDeliveries).toBe(1);

    bus.start();
    await bus.drain();
    expect(target.calls).toBe(1);
  });

  it('tells subscribers about accepted events only, and isolates a failing subscriber', async () => {
    const errors: BusErrorInfo[] = [];
    const bus = newBus({ onError: (info) => errors.push(info) });
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('broken tail');
    });
    const unsubscribe = bus.subscribe((event) => seen.push(event.id));

    await bus.putEvents([makeEvent('e1'), makeEvent('e1')]);
    unsubscribe();
    await bus.putEvents([makeEvent('e2')]);

    expect(seen).toEqual(['e1']);
    expect(errors.filter((info) => info.kind === 'listener-failed')).toHaveLength(2);
  });
});

describe('LocalEventBus rules', () => {
  it('validates rules when they are added', () => {
    const bus = newBus();
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [] });

    expect(() => bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [] })).toThrow(
      BusConfigurationError,
    );
    expect(() => bus.addRule({ name: 'bad', eventPattern: { source: 'x' }, targets: [] })).toThrow(
      InvalidEventPatternError,
    );
    const twice = [recordingTarget('same'), recordingTarget('same')];
    expect(() => bus.addRule({ name: 'dup-targets', eventPattern: ORDERS_PATTERN, targets: twice })).toThrow(
      /two targets/,
    );
    bus.start();
    expect(() => bus.addRule({ name: 'late', eventPattern: ORDERS_PATTERN, targets: [] })).toThrow(
      /before start/,
    );
  });

  it('rejects invalid options', () => {
    expect(() => newBus({ name: '' })).toThrow(BusConfigurationError);
    expect(() => newBus({ concurrency: 0 })).toThrow(/concurrency/);
    expect(() => newBus({ retry: { baseDelayMs: 100, maxDelayMs: 50 } })).toThrow(/maxDelayMs/);
  });

  it('keeps two buses in one database apart', async () => {
    const db = memoryDb();
    const ordersBus = new LocalEventBus({ db, name: 'orders' });
    const auditBus = new LocalEventBus({ db, name: 'audit' });
    buses.push(ordersBus, auditBus);

    await ordersBus.putEvents([makeEvent('e1')]);
    const auditResult = await auditBus.putEvents([makeEvent('e1')]);

    expect(auditResult.accepted).toBe(1);
    expect(ordersBus.stats().archivedEvents).toBe(1);
    expect(auditBus.stats().archivedEvents).toBe(1);
  });
});

describe('LocalEventBus dispatch', () => {
  it('never runs more deliveries at once than the concurrency limit', async () => {
    const bus = newBus({ concurrency: 2 });
    const gate = deferred();
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    bus.addRule({
      name: 'orders',
      eventPattern: ORDERS_PATTERN,
      targets: [
        {
          id: 'slow',
          invoke: async () => {
            calls += 1;
            active += 1;
            maxActive = Math.max(maxActive, active);
            await gate.promise;
            active -= 1;
          },
        },
      ],
    });
    bus.start();

    await bus.putEvents([1, 2, 3, 4, 5].map((n) => makeEvent(`e${n}`)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(bus.stats().inFlightDeliveries).toBe(2);
    gate.resolve();
    await bus.drain();

    expect(calls).toBe(5);
    expect(maxActive).toBe(2);
  });

  it('arms one timer for the earliest retry instead of polling, and the timer delivers it', async () => {
    const clock = new ManualClock();
    const timers = new ManualTimers();
    const bus = newBus({ clock, timers, random: () => 1, retry: { baseDelayMs: 1000 } });
    const target = recordingTarget('t', 1);
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    bus.start();

    await bus.putEvents([makeEvent('e1')]);
    await bus.drain();
    expect(target.calls).toBe(1);
    expect([...timers.pending.values()].map((timer) => timer.delayMs)).toEqual([1000]);

    clock.advance(1000);
    timers.fireAll();
    await bus.drain();

    expect(target.received.map((event) => event.id)).toEqual(['e1']);
    expect(timers.pending.size).toBe(0);
  });

  it('stop() waits for deliveries in flight and records them', async () => {
    const bus = newBus();
    const gate = deferred();
    let finished = false;
    bus.addRule({
      name: 'orders',
      eventPattern: ORDERS_PATTERN,
      targets: [
        {
          id: 'slow',
          invoke: async () => {
            await gate.promise;
            finished = true;
          },
        },
      ],
    });
    bus.start();
    await bus.putEvents([makeEvent('e1')]);
    await new Promise((resolve) => setImmediate(resolve));

    const stopped = bus.stop();
    gate.resolve();
    await stopped;

    expect(finished).toBe(true);
    expect(bus.stats()).toMatchObject({ pendingDeliveries: 0, inFlightDeliveries: 0 });
  });
});
