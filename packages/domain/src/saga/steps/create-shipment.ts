import type { OrderShipment } from '../../orders/order';
import {
  assertForward,
  assertNotCancelled,
  beginCompensation,
  loadSagaOrder,
  recordOnOrder,
  type SagaDependencies,
  type SagaStepInput,
  type SagaStepOutput,
  stepKey,
  undoneEffect,
} from '../saga-step';

/**
 * Forward: book the shipment with the carrier (it may refuse the address). As with the payment steps,
 * a cancellation is honoured only before the carrier is called; a booked shipment is always recorded.
 */
export async function createShipment(deps: SagaDependencies, input: SagaStepInput): Promise<SagaStepOutput> {
  const { value: order } = await loadSagaOrder(deps.ctx, input.orderId);
  assertForward(order);
  if (order.shipment) {
    // A cancelled shipment is not a created one: only a compensation cancels it.
    if (order.shipment.status === 'CANCELLED' || order.shipment.status === 'RETURN_REQUESTED')
      throw undoneEffect(order, `shipment is ${order.shipment.status.toLowerCase().replace('_', ' ')}`);
    return {
      orderId: order.orderId,
      outcome: 'already-applied',
      trackingNumber: order.shipment.trackingNumber,
    };
  }
  assertNotCancelled(order);
  const booked = await deps.carrier.createShipment({
    idempotencyKey: stepKey(order.orderId, 'ship'),
    orderId: order.orderId,
    address: order.shippingAddress,
    parcels: 1,
  });
  const recorded = await recordOnOrder(deps.ctx, order.orderId, (current) =>
    current.shipment
      ? undefined
      : {
          entry: 'SHIPMENT_CREATED',
          changes: { shipment: { ...booked, status: 'CREATED' } },
          event: 'OrderShipmentCreated',
          eventDetail: { carrier: booked.carrier, trackingNumber: booked.trackingNumber },
          timelineDetail: `${booked.carrier} ${booked.trackingNumber}`,
        },
  );
  return {
    orderId: order.orderId,
    outcome: recorded ? 'applied' : 'already-applied',
    trackingNumber: booked.trackingNumber,
  };
}

/**
 * Compensation: cancel a shipment that has not left the warehouse. Does nothing when there is none. An
 * order that records no shipment may still have one booked, the answer lost (a timeout, a crash before
 * the write, a cancel before the retry): once the payment is recorded (CreateShipment runs only then) the
 * carrier is asked by the create step's key, and a shipment it holds is cancelled and recorded. A parcel
 * that has already left cannot be recalled: when such an order is cancelled (only a duplicate order is,
 * see orders/duplicate-orders.ts) a return is recorded instead, and the refund goes ahead.
 */
export async function cancelShipment(deps: SagaDependencies, input: SagaStepInput): Promise<SagaStepOutput> {
  const { value: order } = await beginCompensation(deps.ctx, input.orderId);
  if (order.shipment?.status === 'SHIPPED' && order.cancelRequested) return recordReturn(deps, order.orderId);
  const shipment = order.shipment ?? (order.payment && (await findUnrecordedShipment(deps, order.orderId)));
  if (shipment?.status !== 'CREATED') {
    return {
      orderId: order.orderId,
      outcome: shipment?.status === 'CANCELLED' ? 'already-applied' : 'skipped',
    };
  }
  await deps.carrier.cancelShipment({
    idempotencyKey: stepKey(order.orderId, 'cancel-shipment'),
    shipmentId: shipment.shipmentId,
  });
  const recorded = await recordOnOrder(deps.ctx, order.orderId, (current) =>
    current.shipment && current.shipment.status !== 'CREATED'
      ? undefined
      : {
          entry: 'SHIPMENT_CANCELLED',
          changes: { shipment: { ...(current.shipment ?? shipment), status: 'CANCELLED' } },
          event: 'OrderShipmentCancelled',
        },
  );
  return { orderId: order.orderId, outcome: recorded ? 'applied' : 'already-applied' };
}

async function recordReturn(deps: SagaDependencies, orderId: string): Promise<SagaStepOutput> {
  const recorded = await recordOnOrder(deps.ctx, orderId, (current) =>
    current.shipment?.status !== 'SHIPPED'
      ? undefined
      : {
          entry: 'RETURN_REQUESTED',
          changes: { shipment: { ...current.shipment, status: 'RETURN_REQUESTED' } },
          event: 'OrderReturnRequested',
          eventDetail: {
            carrier: current.shipment.carrier,
            trackingNumber: current.shipment.trackingNumber,
          },
        },
  );
  return { orderId, outcome: recorded ? 'applied' : 'already-applied', returnRequested: true };
}

async function findUnrecordedShipment(
  deps: SagaDependencies,
  orderId: string,
): Promise<OrderShipment | undefined> {
  const booked = await deps.carrier.findShipment({ idempotencyKey: stepKey(orderId, 'ship') });
  return booked && { ...booked, status: 'CREATED' };
}
