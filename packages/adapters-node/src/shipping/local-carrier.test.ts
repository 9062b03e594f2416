import { ShipmentRejectedError } from '@meridian/domain';
import { describe, expect, it } from 'vitest';
import { LocalCarrier } from './local-carrier';

const address = { name: 'A', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'us' };

describe('LocalCarrier', () => {
  const carrier = new LocalCarrier();

  it('books the same shipment for the same idempotency key, and another for another key', async () => {
    const request = { idempotencyKey: 'ord_1#create-shipment', orderId: 'ord_1', address, parcels: 1 };
    const first = await carrier.createShipment(request);
    expect(first).toMatchObject({ carrier: 'Meridian Post' });
    expect(first.shipmentId).toMatch(/^shp_[0-9a-f]{20}$/);
    expect(first.trackingNumber).toMatch(/^MP\d{12}US$/);
    expect(await carrier.createShipment(request)).toEqual(first);
    expect(
      (await carrier.createShipment({ ...request, idempotencyKey: 'ord_2#create-shipment' })).shipmentId,
    ).not.toBe(first.shipmentId);
  });

  it('refuses a country it does not serve', async () => {
    await expect(
      carrier.createShipment({
        idempotencyKey: 'k',
        orderId: 'ord_3',
        address: { ...address, country: 'BR' },
        parcels: 1,
      }),
    ).rejects.toThrow(ShipmentRejectedError);
  });

  it('cancels a shipment it created, again without complaint, and refuses an id it never issued', async () => {
    const { shipmentId } = await carrier.createShipment({
      idempotencyKey: 'ord_4#create-shipment',
      orderId: 'ord_4',
      address,
      parcels: 1,
    });
    const cancel = { idempotencyKey: 'ord_4#cancel-shipment', shipmentId };
    await expect(carrier.cancelShipment(cancel)).resolves.toBeUndefined();
    await expect(carrier.cancelShipment(cancel)).resolves.toBeUndefined();
    await expect(carrier.cancelShipment({ ...cancel, shipmentId: 'shp_nope' })).rejects.toThrow(
      ShipmentRejectedError,
    );
  });

  it('finds no booking by key: a booking it answered exists nowhere but in that answer', async () => {
    const request = { idempotencyKey: 'ord_5#create-shipment', orderId: 'ord_5', address, parcels: 1 };
    await carrier.createShipment(request);

    expect(await carrier.findShipment({ idempotencyKey: request.idempotencyKey })).toBeUndefined();
  });
});
