import { EVENT_SOURCES, type EventEnvelope, type OrderEventType } from '@meridian/contracts';
import { buildEvent, type DomainContext } from '../shared/context';
import type { Order } from './order';

/** Builds an order event whose detail carries the order's identity and state after the change. */
export function orderEvent(
  ctx: DomainContext,
  type: OrderEventType,
  order: Order,
  extra: Record<string, unknown> = {},
): EventEnvelope {
  return buildEvent(
    ctx,
    EVENT_SOURCES.orders,
    type,
    {
      schemaVersion: 1,
      orderId: order.orderId,
      customerId: order.customerId,
      region: order.region,
      status: order.status,
      totalMinor: order.totalMinor,
      currency: order.currency,
      ...extra,
    },
    [`meridian:order/${order.orderId}`],
  );
}
