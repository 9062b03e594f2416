import { afterEach, describe, expect, it } from 'vitest';
import { LocalEventBus } from './local-event-bus';
import {
  ManualClock,
  ManualTimers,
  makeEvent,
  ORDERS_PATTERN,
  recordingTarget,
  tempDbFile,
} from './test-support';

let cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function tempDb() {
  const file = tempDbFile();
  cleanups.push(() => file.cleanup());
  return file;
}

describe('restart', () => {
  it('redelivers attempts a crashed process left in flight once a new bus starts', async () => {
    const file = tempDb();
    // Manual timers never fire, so the "crashed" bus can never time its attempts out and record them.
    const crashed = new LocalEventBus({ db: file.open(), name: 'orders', timers: new ManualTimers() });
    let started = 0;
    crashed.addRule({
      name: 'orders',
      eventPattern: ORDERS_PATTERN,
      targets: [
        {
          id: 'projector',
          invoke: () => {
            started += 1;
            return new Promise<void>(() => {});
          },
        },
      ],
    });
    crashed.start();
    await crashed.putEvents([makeEvent('e1'), makeEvent('e2'), makeEvent('e3')]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toBe(3);
    expect(crashed.listPendingDeliveries({ limit: 10 }).items.every((delivery) => delivery.inFlight)).toBe(
      true,
    );

    const restarted = new LocalEventBus({ db: file.open(), name: 'orders' });
    cleanups.push(() => restarted.stop());
    const target = recordingTarget('projector');
    restarted.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    restarted.start();
    await restarted.drain();

    expect(target.received.map((event) => event.id).sort()).toEqual(['e1', 'e2', 'e3']);
    expect(restarted.stats()).toMatchObject({ pendingDeliveries: 0, deadLetters: 0, archivedEvents: 3 });
  });

  it('keeps attempts and backoff across a graceful stop and delivers once due after start()', async () => {
    const file = tempDb();
    const clock = new ManualClock();
    const retry = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 5 };
    const first = new LocalEventBus({ db: file.open(), name: 'orders', clock, random: () => 1, retry });
    first.addRule({
      name: 'orders',
      eventPattern: ORDERS_PATTERN,
      targets: [{ id: 'projector', invoke: () => Promise.reject(new Error('projection store offline')) }],
    });
    first.start();
    await first.putEvents([makeEvent('e1')]);
    await first.drain();
    await first.stop();

    const second = new LocalEventBus({ db: file.open(), name: 'orders', clock, random: () => 1, retry });
    cleanups.push(() => second.stop());
    const target = recordingTarget('projector');
    second.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    const [pending] = second.listPendingDeliveries({ limit: 10 }).items;
    expect(pending).toMatchObject({ attempts: 1, lastError: 'projection store offline', inFlight: false });

    second.start();
    await second.drain();
    expect(target.calls).toBe(0);
    clock.advance(5);
    await second.drain();
    expect(target.received.map((event) => event.id)).toEqual(['e1']);
  });

  it('dead-letters pending deliveries whose rule is no longer registered', async () => {
    const file = tempDb();
    const before = new LocalEventBus({ db: file.open(), name: 'orders' });
    before.addRule({ name: 'retired-rule', eventPattern: ORDERS_PATTERN, targets: [recordingTarget('t')] });
    await before.putEvents([makeEvent('e1')]);

    const after = new LocalEventBus({ db: file.open(), name: 'orders' });
    cleanups.push(() => after.stop());
    after.start();
    await after.drain();

    const [letter] = after.listDeadLetters({ limit: 1 }).items;
    expect(letter).toMatchObject({ ruleName: 'retired-rule', targetId: 't', eventId: 'e1', attempts: 0 });
    expect(letter?.lastError).toMatch(/no target 't' on rule 'retired-rule'/);
  });
});
