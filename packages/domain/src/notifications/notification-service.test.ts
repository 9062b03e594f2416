import type { EventEnvelope } from '@meridian/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DomainContext } from '../shared/context';
import { type InMemoryItemStore, inMemoryContext } from '../testing/in-memory-item-store';
import { NOTIFYING_EVENT_TYPES, renderNotification } from './notification';
import { listNotifications, recordNotification } from './notification-service';

let ctx: DomainContext;
let store: InMemoryItemStore;

beforeEach(() => {
  ({ ctx, store } = inMemoryContext());
});

function orderEvent(
  id: string,
  type: string,
  detail: Record<string, unknown> = {},
  customerId = 'cust-1',
): EventEnvelope {
  return {
    version: '0',
    id,
    'detail-type': type,
    source: 'meridian.orders',
    account: '000000000000',
    time: `2025-01-01T00:00:0${id.slice(-1)}.000Z`,
    region: 'us-east-1',
    resources: [],
    detail: {
      schemaVersion: 1,
      orderId: 'ord_1_us-east-1',
      customerId,
      region: 'us-east-1',
      status: 'PENDING',
      totalMinor: 123_456,
      currency: 'USD',
      ...detail,
    },
  };
}

describe('renderNotification', () => {
  it.each([
    [
      'OrderPlaced',
      {},
      'We received your order ord_1_us-east-1',
      'Thank you! Your order of $1,234.56 is being processed.',
    ],
    [
      'OrderConfirmed',
      {},
      'Order ord_1_us-east-1 confirmed',
      expect.stringContaining('$1,234.56 was captured'),
    ],
    [
      'OrderShipped',
      { carrier: 'LocalPost', trackingNumber: 'TRK-9' },
      'Order ord_1_us-east-1 has shipped',
      expect.stringContaining('LocalPost, tracking number TRK-9'),
    ],
    [
      'OrderFailed',
      { reason: 'Not enough stock.' },
      'We could not complete order ord_1_us-east-1',
      'Not enough stock.',
    ],
    [
      'OrderCancelled',
      { refundedMinor: 500 },
      'Order ord_1_us-east-1 cancelled',
      'Your order was cancelled. $5.00 was refunded.',
    ],
    [
      'OrderCancelled',
      { refundedMinor: 0 },
      'Order ord_1_us-east-1 cancelled',
      'Your order was cancelled. You have not been charged.',
    ],
    [
      'OrderCancelled',
      { refundedMinor: 0, owed: ['refundPayment'] },
      'Order ord_1_us-east-1 cancelled',
      'Your order was cancelled. Your refund is pending: it is made automatically, and we will tell you once it is done.',
    ],
    [
      'OrderCancelled',
      { refundedMinor: 500, duplicateOf: 'ord_0_eu-west-1' },
      'Order ord_1_us-east-1 cancelled',
      'Your order was cancelled. It duplicated order ord_0_eu-west-1, which you keep. $5.00 was refunded.',
    ],
    [
      'OrderSettled',
      { refundedMinor: 500, settled: ['refundPayment'] },
      'Order ord_1_us-east-1: everything is settled',
      'The refund of $5.00 has been made.',
    ],
  ])('renders %s', (type, detail, subject, body) => {
    expect(renderNotification(orderEvent('evt-1', type, detail))).toEqual({
      notificationId: 'evt-1',
      eventType: type,
      orderId: 'ord_1_us-east-1',
      customerId: 'cust-1',
      channel: 'email',
      recipient: 'cust-1@customers.meridian.example',
      subject,
      body,
      createdAt: '2025-01-01T00:00:01.000Z',
    });
  });

  it('notifies nobody for internal steps', () => {
    expect(NOTIFYING_EVENT_TYPES).not.toContain('OrderInventoryReserved');
    expect(renderNotification(orderEvent('evt-1', 'OrderInventoryReserved'))).toBeUndefined();
  });
});

describe('recordNotification', () => {
  it('records one notification per event, however often the event is delivered', async () => {
    const event = orderEvent('evt-1', 'OrderPlaced');

    const first = await recordNotification(ctx, event);
    const redelivered = await recordNotification(ctx, event);

    expect(first.recorded).toBe(true);
    expect(redelivered).toEqual({ recorded: false, notification: first.notification });
    expect(store.transactions).toHaveLength(1);
  });

  it('writes nothing for an event that notifies nobody', async () => {
    expect(await recordNotification(ctx, orderEvent('evt-1', 'OrderPaymentAuthorized'))).toEqual({
      recorded: false,
    });
    expect(store.transactions).toHaveLength(0);
  });

  it('lists newest first, for everyone or for one customer only', async () => {
    await recordNotification(ctx, orderEvent('evt-1', 'OrderPlaced'));
    await recordNotification(ctx, orderEvent('evt-2', 'OrderPlaced', {}, 'cust-2'));
    await recordNotification(ctx, orderEvent('evt-3', 'OrderConfirmed'));

    const all = await listNotifications(ctx, { limit: 10 });
    const mine = await listNotifications(ctx, { limit: 1 }, 'cust-1');
    const mineNext = await listNotifications(ctx, { limit: 1, cursor: mine.nextCursor }, 'cust-1');

    expect(all.items.map((n) => n.notificationId)).toEqual(['evt-3', 'evt-2', 'evt-1']);
    expect([...mine.items, ...mineNext.items].map((n) => n.notificationId)).toEqual(['evt-3', 'evt-1']);
    expect(mineNext.nextCursor).toBeUndefined();
  });
});
