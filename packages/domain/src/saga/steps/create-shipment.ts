import { advance } from '../../orders/order';
import { orderEvent } from '../../orders/order-events';
import { nowIso, withConflictRetry } from '../../shared/context';
import { orderWrite } from '../../store/repositories';
import {
  assertNotCancelled,
  loadSagaOrder,
  type SagaDependencies,
  type SagaStepInput,
  type SagaStepOutput,
  stepKey,
} from '../saga-step';

/**
 * Forward: book the shipment with the carrier (it may refuse the address). As with the payment steps,
 * a cancellation is honoured only before the carrier is called; a booked shipment is always recorded.
 */
export async function createShipment(deps: SagaDependencies, input: SagaStepInput): Promise<SagaStepOutput> {
  const { ctx, carrier } = deps;
  const { value: order } = await loadSagaOrder(ctx, input.orderId);
  if (order.shipment) {
    return {
      orderId: order.orderId,
      outcome: 'already-applied',
      trackingNumber: order.shipment.trackingNumber,
    };
  }
  assertNotCancelled(order);
  const booked = await carrier.createShipment({
    idempotencyKey: stepKey(order.orderId, 'ship'),
    orderId: order.orderId,
    address: order.shippingAddress,
    parcels: 1,
  });
  return withConflictRetry(async () => {
    const { value: current, version } = await loadSagaOrder(ctx, input.orderId);
    if (current.shipment) {
      return {
        orderId: current.orderId,
        outcome: 'already-applied',
        trackingNumber: current.shipment.trackingNumber,
      };
    }
    const next = advance(
      current,
      'SHIPMENT_CREATED',
      { shipment: { ...booked, status: 'CREATED' } },
      nowIso(ctx),
      `${booked.carrier} ${booked.trackingNumber}`,
    );
    await ctx.store.transact(
      [orderWrite(next, version)],
      [
        orderEvent(ctx, 'OrderShipmentCreated', next, {
          carrier: booked.carrier,
          trackingNumber: booked.trackingNumber,
        }),
      ],
    );
    return { orderId: current.orderId, outcome: 'applied', trackingNumber: booked.trackingNumber };
  });
}

/** Compensation: cancel a shipment that has not left the warehouse. Does nothing when there is none. */
export async function cancelShipment(deps: SagaDependencies, input: SagaStepInput): Promise<SagaStepOutput> {
  const { ctx, carrier } = deps;
  return withConflictRetry(async () => {
    const { value: order, version } = await loadSagaOrder(ctx, input.orderId);
    if (order.shipment?.status !== 'CREATED') {
      return {
        orderId: order.orderId,
        outcome: order.shipment?.status === 'CANCELLED' ? 'already-applied' : 'skipped',
      };
    }
    await carrier.cancelShipment({
      idempotencyKey: stepKey(order.orderId, 'cancel-shipment'),
      shipmentId: order.shipment.shipmentId,
    });
    const next = advance(
      order,
      'SHIPMENT_CANCELLED',
      { shipment: { ...order.shipment, status: 'CANCELLED' } },
      nowIso(ctx),
    );
    await ctx.store.transact([orderWrite(next, version)], [orderEvent(ctx, 'OrderShipmentCancelled', next)]);
    return { orderId: order.orderId, outcome: 'applied' };
  });
}
