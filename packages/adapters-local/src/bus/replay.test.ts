import { afterEach, describe, expect, it } from 'vitest';
import { BusConfigurationError, ReplayNameConflictError } from './errors';
import { LocalEventBus } from './local-event-bus';
import { makeEvent, memoryDb, ORDERS_PATTERN, recordingTarget } from './test-support';

const buses: LocalEventBus[] = [];

function newBus(): LocalEventBus {
  const bus = new LocalEventBus({ db: memoryDb(), name: 'orders' });
  buses.push(bus);
  return bus;
}

afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.stop()));
});

const at = (time: string, id: string) => makeEvent(id, { time });

describe('replay', () => {
  it('re-delivers the events in [from, to) with replay-name, and nothing outside it', async () => {
    const bus = newBus();
    const target = recordingTarget('t');
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    bus.start();
    await bus.putEvents([
      at('2024-05-01T09:59:59.999Z', 'before'),
      at('2024-05-01T10:00:00Z', 'from-edge'),
      at('2024-05-01T10:30:00.5Z', 'inside'),
      at('2024-05-01T11:00:00Z', 'to-edge'),
    ]);
    await bus.drain();
    const live = target.received.splice(0);

    const result = await bus.replay({ name: 'r1', from: '2024-05-01T10:00:00Z', to: '2024-05-01T11:00:00Z' });
    await bus.drain();

    expect(live.every((event) => !('replay-name' in event))).toBe(true);
    expect(result).toEqual({ replayed: 2, deliveries: 2 });
    expect(target.received.map((event) => [event.id, event['replay-name']])).toEqual([
      ['from-edge', 'r1'],
      ['inside', 'r1'],
    ]);
  });

  it('replays to the named rules only, and rules can exclude replayed events', async () => {
    const bus = newBus();
    const [audit, billing, liveOnly] = [recordingTarget('a'), recordingTarget('b'), recordingTarget('c')];
    bus.addRule({ name: 'audit', eventPattern: ORDERS_PATTERN, targets: [audit] });
    bus.addRule({ name: 'billing', eventPattern: ORDERS_PATTERN, targets: [billing] });
    bus.addRule({
      name: 'live-only',
      eventPattern: { source: ['meridian.orders'], 'replay-name': [{ exists: false }] },
      targets: [liveOnly],
    });
    await bus.putEvents([at('2024-05-01T10:00:00Z', 'e1')]);

    const named = await bus.replay({
      name: 'audit-only',
      from: '2024-05-01T00:00:00Z',
      to: '2024-05-02T00:00:00Z',
      ruleNames: ['audit'],
    });
    const all = await bus.replay({
      name: 'everyone',
      from: '2024-05-01T00:00:00Z',
      to: '2024-05-02T00:00:00Z',
    });
    bus.start();
    await bus.drain();

    expect(named).toEqual({ replayed: 1, deliveries: 1 });
    expect(all).toEqual({ replayed: 1, deliveries: 2 });
    expect(audit.received.map((event) => event['replay-name'])).toEqual([
      undefined,
      'audit-only',
      'everyone',
    ]);
    expect(billing.received.map((event) => event['replay-name'])).toEqual([undefined, 'everyone']);
    expect(liveOnly.received.map((event) => event['replay-name'])).toEqual([undefined]);
  });

  it('rejects a reused name, an unknown rule and an empty range', async () => {
    const bus = newBus();
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [] });
    const range = { from: '2024-05-01T00:00:00Z', to: '2024-05-02T00:00:00Z' };
    await bus.replay({ name: 'r1', ...range });

    await expect(bus.replay({ name: 'r1', ...range })).rejects.toThrow(ReplayNameConflictError);
    await expect(bus.replay({ name: 'r2', ...range, ruleNames: ['nope'] })).rejects.toThrow(
      BusConfigurationError,
    );
    await expect(bus.replay({ name: 'r3', from: range.to, to: range.from })).rejects.toThrow(RangeError);
    await expect(bus.replay({ name: 'r4', from: 'yesterday', to: range.to })).rejects.toThrow(/RFC 3339/);
  });

  it('replays archives larger than one page', async () => {
    const bus = newBus();
    const target = recordingTarget('t');
    bus.addRule({ name: 'orders', eventPattern: ORDERS_PATTERN, targets: [target] });
    const base = Date.parse('2024-05-01T00:00:00Z');
    const events = Array.from({ length: 1_203 }, (_, n) =>
      at(new Date(base + (n % 7) * 1000).toISOString(), `e${n}`),
    );
    await bus.putEvents(events);

    const result = await bus.replay({
      name: 'big',
      from: '2024-05-01T00:00:00Z',
      to: '2024-05-01T01:00:00Z',
    });
    bus.start();
    await bus.drain();

    expect(result).toEqual({ replayed: 1_203, deliveries: 1_203 });
    const replayedIds = new Set(
      target.received.filter((event) => event['replay-name'] === 'big').map((e) => e.id),
    );
    expect(replayedIds.size).toBe(1_203);
  });
});

describe('listArchivedEvents', () => {
  it('lists by event time (not arrival or text order), filters by range and pages with a cursor', async () => {
    const bus = newBus();
    await bus.putEvents([
      at('2024-05-01T10:00:01Z', 'third'),
      at('2024-05-01T10:00:00.5Z', 'second'),
      at('2024-05-01T10:00:00Z', 'first'),
      at('2024-05-01T12:00:00+02:00', 'same-instant-as-ten'),
      at('2024-05-02T00:00:00Z', 'next-day'),
    ]);

    const firstPage = bus.listArchivedEvents({ to: '2024-05-02T00:00:00Z', limit: 2 });
    const secondPage = bus.listArchivedEvents({
      to: '2024-05-02T00:00:00Z',
      limit: 2,
      cursor: firstPage.nextCursor,
    });
    const lastPage = bus.listArchivedEvents({
      to: '2024-05-02T00:00:00Z',
      limit: 2,
      cursor: secondPage.nextCursor,
    });
    const fromHalf = bus.listArchivedEvents({ from: '2024-05-01T10:00:00.5Z', limit: 10 });

    const ids = (page: { items: Array<{ event: { id: string } }> }) =>
      page.items.map((item) => item.event.id);
    expect([...ids(firstPage), ...ids(secondPage), ...ids(lastPage)]).toEqual([
      'first',
      'same-instant-as-ten',
      'second',
      'third',
    ]);
    expect(ids(fromHalf)).toEqual(['second', 'third', 'next-day']);
    expect(firstPage.items[0]?.archivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});
