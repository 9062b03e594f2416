import { TransientError } from '../shared/errors';
import {
  type BookedShipment,
  ShipmentRejectedError,
  type ShippingCarrier,
} from '../shipping/shipping-carrier';

/**
 * An in-memory carrier for domain tests: bookings are idempotent by key, `down` fails every call before
 * any effect, `rejecting` refuses new bookings, `loseAnswers` books and then throws as if the answer were
 * lost. `cancelled` holds the shipment ids cancelled so far; `calls` every call.
 */
export class FakeCarrier implements ShippingCarrier {
  readonly calls: string[] = [];
  readonly cancelled = new Set<string>();
  down = false;
  rejecting = false;
  loseAnswers = 0;
  private readonly bookings = new Map<string, BookedShipment>();

  async createShipment(request: { idempotencyKey: string; orderId: string }): Promise<BookedShipment> {
    this.call(`createShipment ${request.idempotencyKey}`);
    let booked = this.bookings.get(request.idempotencyKey);
    if (!booked) {
      if (this.rejecting) throw new ShipmentRejectedError('The carrier cannot deliver to this address.');
      booked = {
        shipmentId: `shp_${request.orderId}`,
        carrier: 'LocalPost',
        trackingNumber: `TRK-${request.orderId}`,
      };
      this.bookings.set(request.idempotencyKey, booked);
    }
    this.maybeLose('createShipment');
    return { ...booked };
  }

  async cancelShipment(request: { idempotencyKey: string; shipmentId: string }): Promise<void> {
    this.call(`cancelShipment ${request.shipmentId}`);
    this.cancelled.add(request.shipmentId);
    this.maybeLose('cancelShipment');
  }

  async findShipment(request: { idempotencyKey: string }): Promise<BookedShipment | undefined> {
    this.call(`findShipment ${request.idempotencyKey}`);
    const booked = this.bookings.get(request.idempotencyKey);
    return booked && { ...booked };
  }

  private call(name: string): void {
    this.calls.push(name);
    if (this.down) throw new TransientError(`${name.split(' ')[0]}: carrier unavailable`);
  }

  private maybeLose(operation: string): void {
    if (this.loseAnswers <= 0) return;
    this.loseAnswers--;
    throw new TransientError(`${operation}: the answer was lost`);
  }
}
