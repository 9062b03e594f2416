import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidCursorError } from './errors';
import { LocalEventBus } from './local-event-bus';
import { ManualClock, makeEvent, memoryDb, ORDERS_PATTERN, recordingTarget } from './test-support';
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

/** A target whose behaviour the test switches between failing and working. */
function switchableTarget(id: string) {
  const state = { failing: true, calls: 0, delivered: [] as string[] };
  return {
    state,
    target: {
      id,
      invoke: async (event: { id: string }) => {
        state.calls += 1;
        if (state.failing) throw new Error(`${id} is down`);
        state.delivered.push(event.id);
      },
    },
  };
}

describe('retries', () => {
  it('retries a failing target until it succeeds', async () => {
    const errors: BusErrorInfo[] = [];
    const bus = newBus({ random: () => 0, retry: { baseDelayMs: 1 }, onError: (info) => errors.push(info) });
    const target = recordingTarget('flaky', 2);
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    bus.start();

    await bus.putEvents([makeEvent('e1')]);
    await bus.drain();

    expect(target.calls).toBe(3);
    expect(target.received.map((event) => event.id)).toEqual(['e1']);
    expect(bus.stats()).toMatchObject({ pendingDeliveries: 0, deadLetters: 0 });
    expect(errors).toMatchObject([
      { kind: 'delivery-failed', attempts: 1, deadLettered: false, ruleName: 'orders', targetId: 'flaky' },
      { kind: 'delivery-failed', attempts: 2, deadLettered: false },
    ]);
  });

  it('retries on the real clock through its timer, without drain() or polling', async () => {
    const bus = newBus({ retry: { baseDelayMs: 3, maxDelayMs: 5 } });
    const target = recordingTarget('flaky', 2);
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    bus.start();

    await bus.putEvents([makeEvent('e1')]);

    await vi.waitFor(() => expect(target.received.map((event) => event.id)).toEqual(['e1']));
    expect(target.calls).toBe(3);
  });

  it('backs off exponentially with full jitter, capped at maxDelayMs', async () => {
    const clock = new ManualClock();
    const bus = newBus({
      clock,
      random: () => 1,
      retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 250 },
    });
    const { state, target } = switchableTarget('down');
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    bus.start();
    await bus.putEvents([makeEvent('e1')]);
    await bus.drain();

    // Delays after failures 1..4: 100, 200, min(400, 250), min(800, 250).
    for (const delay of [100, 200, 250, 250]) {
      const callsBefore = state.calls;
      const pending = bus.listPendingDeliveries({ limit: 10 }).items[0];
      expect(pending?.nextAttemptAt).toBe(new Date(clock.now() + delay).toISOString());
      clock.advance(delay - 1);
      await bus.drain();
      expect(state.calls).toBe(callsBefore);
      clock.advance(1);
      await bus.drain();
      expect(state.calls).toBe(callsBefore + 1);
    }
    expect(state.calls).toBe(5);
    expect(bus.countDeadLetters()).toBe(1);
  });

  it('moves a delivery that keeps failing to the dead letters with its error, rule, target and event', async () => {
    const bus = newBus({ random: () => 0, retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const { state, target } = switchableTarget('down');
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    bus.start();
    const event = makeEvent('e1');

    await bus.putEvents([event]);
    await bus.drain();

    expect(state.calls).toBe(3);
    expect(bus.stats()).toMatchObject({ pendingDeliveries: 0, deadLetters: 1 });
    const { items, nextCursor } = bus.listDeadLetters({ limit: 10 });
    expect(nextCursor).toBeUndefined();
    expect(items).toEqual([
      {
        id: expect.any(String),
        ruleName: 'orders',
        targetId: 'down',
        eventId: 'e1',
        attempts: 3,
        lastError: 'down is down',
        failedAt: expect.any(String),
        event,
      },
    ]);
  });

  it('counts an invocation that outlives deliveryTimeoutMs as failed', async () => {
    const bus = newBus({ deliveryTimeoutMs: 10, retry: { maxAttempts: 1 } });
    bus.addRule({
      name: 'orders',
      eventPattern: ORDERS_PATTERN,
      targets: [{ id: 'hangs', invoke: () => new Promise<void>(() => {}) }],
    });
    bus.start();

    await bus.putEvents([makeEvent('e1')]);
    await bus.drain();

    expect(bus.listDeadLetters({ limit: 1 }).items[0]?.lastError).toMatch(/timed out after 10 ms/);
  });

  it('counts a target that throws synchronously as failed', async () => {
    const bus = newBus({ retry: { maxAttempts: 1 } });
    const invoke = (): Promise<void> => {
      throw new TypeError('not even a promise');
    };
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [{ id: 'sync', invoke }] });
    bus.start();

    await bus.putEvents([makeEvent('e1')]);
    await bus.drain();

    expect(bus.listDeadLetters({ limit: 1 }).items[0]?.lastError).toBe('not even a promise');
  });
});

describe('dead letters', () => {
  it('redrives one dead letter, with attempts reset, once the target works', async () => {
    const bus = newBus({ random: () => 0, retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const { state, target } = switchableTarget('down');
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    bus.start();
    await bus.putEvents([makeEvent('e1'), makeEvent('e2')]);
    await bus.drain();
    const [first] = bus.listDeadLetters({ limit: 10 }).items;

    state.failing = false;
    expect(bus.redriveDeadLetter(first?.id ?? '')).toBe(true);
    await bus.drain();

    expect(state.delivered).toEqual(['e1']);
    expect(bus.countDeadLetters()).toBe(1);
    expect(bus.redriveDeadLetter(first?.id ?? '')).toBe(false);
    expect(bus.redriveDeadLetter('not-an-id')).toBe(false);
  });

  it('gives a redriven delivery its full retry budget again', async () => {
    const bus = newBus({ random: () => 0, retry: { maxAttempts: 2, baseDelayMs: 1 } });
    const { state, target } = switchableTarget('down');
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    bus.start();
    await bus.putEvents([makeEvent('e1')]);
    await bus.drain();

    expect(bus.redriveAllDeadLetters()).toBe(1);
    await bus.drain();

    expect(state.calls).toBe(4);
    expect(bus.listDeadLetters({ limit: 1 }).items[0]?.attempts).toBe(2);
  });

  it('redrives every dead letter at once', async () => {
    const bus = newBus({ random: () => 0, retry: { maxAttempts: 1 } });
    const { state, target } = switchableTarget('down');
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    bus.start();
    await bus.putEvents([makeEvent('e1'), makeEvent('e2'), makeEvent('e3')]);
    await bus.drain();

    state.failing = false;
    expect(bus.redriveAllDeadLetters()).toBe(3);
    await bus.drain();

    expect(state.delivered.sort()).toEqual(['e1', 'e2', 'e3']);
    expect(bus.stats()).toMatchObject({ deadLetters: 0, pendingDeliveries: 0 });
  });

  it('pages through dead letters with an opaque cursor', async () => {
    const bus = newBus({ retry: { maxAttempts: 1 } });
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [switchableTarget('down').target] });
    bus.start();
    await bus.putEvents([makeEvent('e1'), makeEvent('e2'), makeEvent('e3')]);
    await bus.drain();

    const first = bus.listDeadLetters({ limit: 2 });
    const second = bus.listDeadLetters({ limit: 2, cursor: first.nextCursor });

    expect(first.items.map((letter) => letter.eventId)).toEqual(['e1', 'e2']);
    expect(second.items.map((letter) => letter.eventId)).toEqual(['e3']);
    expect(second.nextCursor).toBeUndefined();
    expect(() => bus.listDeadLetters({ limit: 2, cursor: 'bogus' })).toThrow(InvalidCursorError);
    expect(() => bus.listDeadLetters({ limit: 0 })).toThrow(RangeError);
  });
});
