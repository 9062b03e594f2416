import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type EmulatedRegion, startEmulatedRegion } from './support/emulated-region';
import { orderBody, Shop } from './support/shop';

let region: EmulatedRegion;
let shop: Shop;

beforeAll(async () => {
  region = await startEmulatedRegion({ assemblyDir: inject('assemblyDir') });
  shop = await Shop.open(region);
  await shop.addProduct('LAMP-001', 20);
});
afterAll(async () => {
  await region?.close();
});

describe('happy path', () => {
  it('reaches CONFIRMED', async () => {
    const placed = await shop.place(orderBody({ sku: 'LAMP-001', quantity: 2 }));
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    const order = await shop.waitForTerminal(placed.body.orderId);
    expect(order.status).toBe('CONFIRMED');
  });
});
