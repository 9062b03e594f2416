import type { DomainContext } from '@meridian/domain';
import { InMemoryItemStore } from '@meridian/domain/testing';
import type { EventBridgeEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createNotificationConsumer } from './notification-consumer';

function setup() {
  const store = new InMemoryItemStore();
  const ctx: DomainContext = {
    store,
    clock: { now: () => Date.UTC(2025, 2, 1) },
    ids: { next: () => 'unused' },
    region: 'eu-west-1',
    regions: ['eu-west-1', 'us-east-1'],
    account: '123456789012',
  };
  const logged: string[] = [];
  const consume = createNotificationConsumer({
    ctx,
    logger: { info: (message: string) => void logged.push(message) },
  });
  return { store, consume, logged };
}

/** An order event as EventBridge delivers it: its own `id`, the Meridian id in `detail.eventId`. */
function delivered(
  eventBridgeId: string,
  detailType: string,
  eventId = 'evt-01J',
): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: eventBridgeId,
    'detail-type': detailType,
    source: 'meridian.orders',
    account: '123456789012',
    time: '2025-03-01T12:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      schemaVersion: 1,
      orderId: 'ord_1_us-east-1',
      customerId: 'alice',
      region: 'us-east-1',
      status: 'CONFIRMED',
      totalMinor: 4200,
      currency: 'EUR',
      eventId,
    },
  };
}

/** Every notification item written, in write order. */
const notifications = (store: InMemoryItemStore) =>
  store.transactions
    .flatMap((transaction) => transaction.writes)
    .flatMap((write) => ('data' in write && write.pk.startsWith('NOTIFICATION#') ? [write] : []));

describe('notification consumer', () => {
  it('records one notification per Meridian event id, however often EventBridge delivers it', async () => {
    const { store, consume } = setup();

    const first = await consume(delivered('eb-1', 'OrderConfirmed'));
    // A retry, a redrive or an archive replay: same Meridian id, new EventBridge id.
    const again = await consume(delivered('eb-2', 'OrderConfirmed'));

    expect(first).toEqual({ recorded: true });
    expect(again).toEqual({ recorded: false });
    expect(notifications(store)).toHaveLength(1);
    expect(notifications(store)[0]?.pk).toBe('NOTIFICATION#evt-01J');
    expect(notifications(store)[0]?.data).toMatchObject({ customerId: 'alice', eventType: 'OrderConfirmed' });
  });

  it('records distinct events separately', async () => {
    const { store, consume } = setup();

    await consume(delivered('eb-1', 'OrderConfirmed', 'evt-a'));
    await consume(delivered('eb-2', 'OrderConfirmed', 'evt-b'));

    expect(notifications(store).map((row) => row.pk)).toEqual(['NOTIFICATION#evt-a', 'NOTIFICATION#evt-b']);
  });

  it('writes nothing for an order event that notifies nobody', async () => {
    const { store, consume } = setup();

    expect(await consume(delivered('eb-1', 'OrderInventoryReserved'))).toEqual({ recorded: false });
    expect(store.transactions).toEqual([]);
  });

  it('rejects an event without a Meridian event id, so it ends in the dead-letter queue', async () => {
    const { store, consume } = setup();
    const foreign = delivered('eb-1', 'OrderConfirmed');
    foreign.detail = { ...(foreign.detail as object), eventId: undefined };

    await expect(consume(foreign)).rejects.toThrow('detail.eventId');
    expect(store.transactions).toEqual([]);
  });
});
