import type { ShippingAddress } from '../orders/order';
import { MeridianError } from '../shared/errors';

/**
 * Port to a shipping carrier. Calls are idempotent by `idempotencyKey`: a repeated create returns the
 * same shipment. Throws ShipmentRejectedError when the carrier cannot serve the address, TransientError
 * when it is unavailable.
 */
export interface ShippingCarrier {
  createShipment(request: {
    idempotencyKey: string;
    orderId: string;
    address: ShippingAddress;
    parcels: number;
  }): Promise<BookedShipment>;
  cancelShipment(request: { idempotencyKey: string; shipmentId: string }): Promise<void>;
  /**
   * Read-only: the shipment a `createShipment` with this idempotency key booked (cancelled or not), or
   * undefined when the carrier holds none for the key. CancelShipment asks it when the order records no
   * shipment but the booking may have happened with its answer lost.
   */
  findShipment(request: { idempotencyKey: string }): Promise<BookedShipment | undefined>;
}

export interface BookedShipment {
  shipmentId: string;
  carrier: string;
  trackingNumber: string;
}

export class ShipmentRejectedError extends MeridianError {
  constructor(message: string) {
    super('shipment_rejected', message);
  }
}
