import { TransientError } from '../shared/errors';
import {
  type BookedShipment,
  ShipmentRejectedError,
  type ShippingCarrier,
} from '../shipping/shipping-carrier';
import { type LosesAnswers, loseAnswerIfDue } from './answer-loss';

export type CarrierOperation = 'createShipment' | 'cancelShipment';

/**
 * An in-memory carrier for domain tests: bookings are idempotent by key, `down` fails every call before
 * any effect, `rejecting` refuses new bookings, `loseAnswers` (any write) and `loseAnswersOf` (one
 * operation) apply the call and then throw as if the answer were lost, after `onAnswerLost` ran.
 * `cancelled` holds the shipment ids cancelled so far; `calls` every call.
 */
export class FakeCarrier implements ShippingCarrier, LosesAnswers<CarrierOperation> {
  readonly calls: string[] = [];
  readonly cancelled = new Set<string>();
  down = false;
  rejecting = false;
  loseAnswers = 0;
  readonly loseAnswersOf: Partial<Record<CarrierOperation, number>> = {};
  onAnswerLost: (operation: CarrierOperation) => Promise<unknown> = async () => undefined;
  private readonly byKey = new Map<string, BookedShipment>();

  async createShipment(request: { idempotencyKey: string; orderId: string }): Promise<BookedShipment> {
    this.call(`createShipment ${request.idempotencyKey}`);
    let booked = this.byKey.get(request.idempotencyKey);
    if (!booked) {
      if (this.rejecting) throw new ShipmentRejectedError('The carrier cannot deliver to this address.');
      booked = {
        shipmentId: `shp_${request.orderId}`,
        carrier: 'LocalPost',
        trackingNumber: `TRK-${request.orderId}`,
      };
      this.byKey.set(request.idempotencyKey, booked);
    }
    await loseAnswerIfDue(this, 'createShipment', 'createShipment: the answer was lost');
    return { ...booked };
  }

  async cancelShipment(request: { idempotencyKey: string; shipmentId: string }): Promise<void> {
    this.call(`cancelShipment ${request.shipmentId}`);
    this.cancelled.add(request.shipmentId);
    await loseAnswerIfDue(this, 'cancelShipment', 'cancelShipment: the answer was lost');
  }

  async findShipment(request: { idempotencyKey: string }): Promise<BookedShipment | undefined> {
    this.call(`findShipment ${request.idempotencyKey}`);
    const booked = this.byKey.get(request.idempotencyKey);
    return booked && { ...booked };
  }

  /** Every booking made, each with whether it was cancelled since. */
  bookings(): Array<BookedShipment & { cancelled: boolean }> {
    return [...this.byKey.values()].map((booked) => ({
      ...booked,
      cancelled: this.cancelled.has(booked.shipmentId),
    }));
  }

  private call(name: string): void {
    this.calls.push(name);
    if (this.down) throw new TransientError(`${name.split(' ')[0]}: carrier unavailable`);
  }
}
