import type { Logger } from '@aws-lambda-powertools/logger';
import { fromEventBridgeEvent } from '@meridian/adapters-aws';
import { type DomainContext, recordNotification } from '@meridian/domain';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { domainContext, logger } from '../aws/composition-root';

export interface NotificationConsumerDependencies {
  ctx: DomainContext;
  logger: Pick<Logger, 'info'>;
}

/**
 * EventBridge target for order events: records the customer notification. EventBridge delivers at least
 * once (and a redrive or an archive replay delivers again), so the notification is keyed by the Meridian
 * event id from `detail.eventId` and written only if absent: a repeat records nothing.
 */
export function createNotificationConsumer(deps: NotificationConsumerDependencies) {
  return async (event: EventBridgeEvent<string, unknown>): Promise<{ recorded: boolean }> => {
    // A malformed event throws: after EventBridge's retries it parks in the DLQ, where an operator sees it.
    const envelope = fromEventBridgeEvent(event);
    const result = await recordNotification(deps.ctx, envelope);
    deps.logger.info(result.recorded ? 'notification recorded' : 'no new notification', {
      eventId: envelope.id,
      detailType: envelope['detail-type'],
      ...(result.notification ? { notificationId: result.notification.notificationId } : {}),
    });
    return { recorded: result.recorded };
  };
}

let consume: ReturnType<typeof createNotificationConsumer> | undefined;

/** Lambda entry: target of the bus rule for `meridian.orders` events. */
export async function handler(
  event: EventBridgeEvent<string, unknown>,
  context: Context,
): Promise<{ recorded: boolean }> {
  logger().addContext(context);
  consume ??= createNotificationConsumer({ ctx: domainContext(), logger: logger() });
  return consume(event);
}
