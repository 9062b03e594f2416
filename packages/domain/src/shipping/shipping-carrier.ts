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
  }): Promise<{ shipmentId: string; carrier: string; trackingNumber: string }>;
  cancelShipment(request: { idempotencyKey: string; shipmentId: string }): Promise<void>;
}

export class ShipmentRejectedError extends MeridianError {
  constructor(message: string) {
    super('shipment_rejected', message);
  }
}
