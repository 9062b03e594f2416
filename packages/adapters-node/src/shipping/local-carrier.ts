import { createHash } from 'node:crypto';
import {
  type BookedShipment,
  ShipmentRejectedError,
  type ShippingAddress,
  type ShippingCarrier,
} from '@meridian/domain';

/** Countries the simulated carrier delivers to; anything else is refused, like a real carrier's coverage. */
export const SERVED_COUNTRIES = new Set([
  'US',
  'CA',
  'MX',
  'GB',
  'IE',
  'FR',
  'DE',
  'NL',
  'BE',
  'LU',
  'ES',
  'PT',
  'IT',
  'AT',
  'CH',
  'DK',
  'SE',
  'NO',
  'FI',
  'PL',
  'CZ',
  'JP',
  'AU',
  'NZ',
]);

/**
 * An in-process stand-in for a carrier API ("Meridian Post"). Shipment ids and tracking numbers are derived
 * from the idempotency key, so a repeated create returns the same shipment, as a real carrier's would.
 * It keeps no state: the order records a shipment and its cancellation (the saga's steps write them), so
 * a cancellation only has to name a shipment this carrier could have created. For the same reason a
 * booking exists nowhere but in the answer to createShipment: one whose answer was lost was never seen
 * by anyone, so `findShipment` has nothing to find and nothing is left to cancel.
 */
export class LocalCarrier implements ShippingCarrier {
  async createShipment(request: {
    idempotencyKey: string;
    orderId: string;
    address: ShippingAddress;
    parcels: number;
  }): Promise<BookedShipment> {
    const country = request.address.country.toUpperCase();
    if (!SERVED_COUNTRIES.has(country)) {
      throw new ShipmentRejectedError(`Sorry, we cannot ship to ${country} yet.`);
    }
    const digest = createHash('sha256').update(request.idempotencyKey).digest('hex');
    const digits = BigInt(`0x${digest.slice(0, 15)}`)
      .toString()
      .padStart(18, '0')
      .slice(0, 12);
    return {
      shipmentId: `shp_${digest.slice(0, 20)}`,
      carrier: 'Meridian Post',
      trackingNumber: `MP${digits}${country}`,
    };
  }

  async cancelShipment(request: { idempotencyKey: string; shipmentId: string }): Promise<void> {
    if (!/^shp_[0-9a-f]{20}$/.test(request.shipmentId)) {
      throw new ShipmentRejectedError(`No shipment ${request.shipmentId} to cancel.`);
    }
  }

  async findShipment(_request: { idempotencyKey: string }): Promise<BookedShipment | undefined> {
    return undefined;
  }
}
