import type { EventEnvelope } from '@meridian/contracts';
import type { DomainContext } from '../shared/context';
import { ConditionFailedError, type Page, type PageRequest } from '../store/item-store';
import { keys } from '../store/keys';
import { asEntity } from '../store/repositories';
import { type Notification, renderNotification } from './notification';

/**
 * Bus consumer: records the notification for an order event. Delivery is at least once, so the write is
 * conditional on the event id: a redelivered or replayed event creates nothing new.
 */
export async function recordNotification(
  ctx: DomainContext,
  event: EventEnvelope,
): Promise<{ recorded: boolean; notification?: Notification }> {
  const notification = renderNotification(event);
  if (!notification) return { recorded: false };
  try {
    await ctx.store.transact([
      {
        ...keys.notification(notification.notificationId),
        data: { ...notification },
        gsi1: keys.customerNotificationsIndex(
          notification.customerId,
          notification.createdAt,
          notification.notificationId,
        ),
        gsi2: keys.allNotificationsIndex(notification.createdAt, notification.notificationId),
        expect: 'absent',
      },
    ]);
  } catch (error) {
    if (error instanceof ConditionFailedError) return { recorded: false, notification };
    throw error;
  }
  return { recorded: true, notification };
}

export async function listNotifications(
  ctx: DomainContext,
  page: PageRequest,
  customerId?: string,
): Promise<Page<Notification>> {
  const result =
    customerId === undefined
      ? await ctx.store.queryIndex('gsi2', 'NOTIFICATIONS', { ...page, descending: true })
      : await ctx.store.queryIndex('gsi1', `CUSTOMER_NOTIFICATIONS#${customerId}`, {
          ...page,
          descending: true,
        });
  return { ...result, items: result.items.map((item) => asEntity<Notification>(item.data)) };
}
