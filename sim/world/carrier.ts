import { LocalCarrier } from '@meridian/adapters-node';
import {
  type BookedShipment,
  ShipmentRejectedError,
  type ShippingAddress,
  type ShippingCarrier,
  TransientError,
} from '@meridian/domain';
import type { SimProcess } from '../kernel/scheduler';
import type { SimNetwork } from '../network/network';

export interface Booking extends BookedShipment {
  orderId: string;
  idempotencyKey: string;
  status: 'BOOKED' | 'CANCELLED';
}

/**
 * The carrier as an outside service with its own memory of bookings (the truth the invariants check
 * shipments against): `LocalCarrier` decides coverage and derives ids from the idempotency key; this
 * remembers each booking and its cancellation, as a real carrier would, and answers `findShipment`.
 */
export class SimCarrierService {
  private readonly carrier = new LocalCarrier();
  private readonly bookings = new Map<string, Booking>();
  private readonly byShipment = new Map<string, Booking>();

  async create(request: {
    idempotencyKey: string;
    orderId: string;
    address: ShippingAddress;
    parcels: number;
  }): Promise<BookedShipment> {
    const known = this.bookings.get(request.idempotencyKey);
    if (known)
      return { shipmentId: known.shipmentId, carrier: known.carrier, trackingNumber: known.trackingNumber };
    const booked = await this.carrier.createShipment(request);
    const booking: Booking = {
      ...booked,
      orderId: request.orderId,
      idempotencyKey: request.idempotencyKey,
      status: 'BOOKED',
    };
    this.bookings.set(request.idempotencyKey, booking);
    this.byShipment.set(booked.shipmentId, booking);
    return booked;
  }

  async cancel(request: { idempotencyKey: string; shipmentId: string }): Promise<void> {
    await this.carrier.cancelShipment(request);
    const booking = this.byShipment.get(request.shipmentId);
    if (!booking) throw new ShipmentRejectedError(`No shipment ${request.shipmentId} to cancel.`);
    booking.status = 'CANCELLED';
  }

  async find(request: { idempotencyKey: string }): Promise<BookedShipment | undefined> {
    const booking = this.bookings.get(request.idempotencyKey);
    return (
      booking && {
        shipmentId: booking.shipmentId,
        carrier: booking.carrier,
        trackingNumber: booking.trackingNumber,
      }
    );
  }

  /** Every booking of an order (the invariants' view). */
  bookingsOf(orderId: string): Booking[] {
    return [...this.bookings.values()].filter((booking) => booking.orderId === orderId);
  }

  allBookings(): Booking[] {
    return [...this.bookings.values()];
  }
}

/** A region's port to the carrier: each call crosses the simulated network (5 s budget). */
export class SimCarrierClient implements ShippingCarrier {
  constructor(
    private readonly network: SimNetwork,
    private readonly caller: SimProcess,
    private readonly carrier: { process: SimProcess; service: SimCarrierService },
    private readonly timeoutMs = 5_000,
  ) {}

  createShipment(request: Parameters<ShippingCarrier['createShipment']>[0]): Promise<BookedShipment> {
    return this.call('createShipment', () => this.carrier.service.create(request));
  }

  cancelShipment(request: { idempotencyKey: string; shipmentId: string }): Promise<void> {
    return this.call('cancelShipment', () => this.carrier.service.cancel(request));
  }

  findShipment(request: { idempotencyKey: string }): Promise<BookedShipment | undefined> {
    return this.call('findShipment', () => this.carrier.service.find(request));
  }

  private async call<T>(what: string, serve: () => Promise<T>): Promise<T> {
    try {
      return await this.network.rpc(
        this.caller,
        this.carrier.process,
        what,
        this.timeoutMs,
        serve,
        () => new TransientError(`carrier did not answer ${what} within ${this.timeoutMs} ms`),
      );
    } catch (error) {
      if (error instanceof ShipmentRejectedError || error instanceof TransientError) throw error;
      throw new TransientError(
        `carrier unreachable (${what}): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
