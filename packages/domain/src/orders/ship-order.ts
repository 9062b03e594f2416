import { type DomainContext, nowIso, withConflictRetry } from '../shared/context';
import { MeridianError } from '../shared/errors';
import { loadOrder, orderWrite } from '../store/repositories';
import { advance, type Order, OrderNotFoundError } from './order';
import { orderEvent } from './order-events';

export class OrderNotShippableError extends MeridianError {
  constructor(message: string) {
    super('order_not_shippable', message);
  }
}

/** The warehouse hands a confirmed order to the carrier; from then on it can no longer be cancelled. */
export async function markOrderShipped(ctx: DomainContext, orderId: string): Promise<Order> {
  return withConflictRetry(async () => {
    const current = await loadOrder(ctx.store, orderId);
    if (!current) throw new OrderNotFoundError(orderId);
    const order = current.value;
    if (order.shipment?.status === 'SHIPPED') return order;
    if (order.status !== 'CONFIRMED' || order.cancelRequested || order.compensation || !order.shipment) {
      throw new OrderNotShippableError('Only a confirmed order that is not being cancelled can ship.');
    }
    if (order.shipment.status !== 'CREATED') {
      throw new OrderNotShippableError(
        `This order's shipment is ${order.shipment.status.toLowerCase().replace('_', ' ')}: there is no parcel to hand over.`,
      );
    }
    if (order.region !== ctx.region)
      throw new OrderNotShippableError(`Order ${orderId} is owned by ${order.region}.`);
    const next = advance(
      order,
      'SHIPPED',
      { shipment: { ...order.shipment, status: 'SHIPPED' } },
      nowIso(ctx),
    );
    await ctx.store.transact(
      [orderWrite(next, current.version)],
      [
        orderEvent(ctx, 'OrderShipped', next, {
          carrier: order.shipment.carrier,
          trackingNumber: order.shipment.trackingNumber,
        }),
      ],
    );
    return next;
  });
}
