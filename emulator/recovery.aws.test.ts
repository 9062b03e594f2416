import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../apps/local/tests/support/ports';
import { type EmulatedRegion, startEmulatedRegion } from './support/emulated-region';
import { orderBody, Shop } from './support/shop';

/**
 * What happens on AWS when a dependency is down: the functions get an address where nothing listens
 * for one service (`AWS_ENDPOINT_URL_<SERVICE>`, which the SDK reads), as a configuration update would
 * give them, and get their deployed configuration back afterwards.
 */

let region: EmulatedRegion;
let shop: Shop;
let unreachable: string;

beforeAll(async () => {
  region = await startEmulatedRegion({ assemblyDir: inject('assemblyDir') });
  shop = await Shop.open(region);
  await shop.addProduct('RECOVER-001', 50);
  unreachable = `http://127.0.0.1:${await freePort()}`;
});
afterEach(async () => {
  for (const name of region.host.names) await region.host.reconfigure(name, undefined);
});
afterAll(async () => {
  await region?.close();
});

describe('a store that cannot be reached', () => {
  it('answers 503 problem+json (transient), not 500', async () => {
    await region.host.reconfigure(region.apiFunction, { AWS_ENDPOINT_URL_DYNAMODB: unreachable });

    const response = await region.api.request('GET', '/api/v1/products/RECOVER-001');

    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 503, code: 'transient' });
  });

  it('refuses an order with 503 and stores nothing of it', async () => {
    await region.host.reconfigure(region.apiFunction, { AWS_ENDPOINT_URL_DYNAMODB: unreachable });
    const key = 'unreachable-store';

    const refused = await shop.place(orderBody({ sku: 'RECOVER-001' }), key);
    expect(refused.status).toBe(503);

    await region.host.reconfigure(region.apiFunction, undefined);
    const mine = await region.api.request<{ items: unknown[] }>('GET', '/api/v1/orders', {
      token: shop.customer,
    });
    expect(mine.body.items).toEqual([]);
  });
});
