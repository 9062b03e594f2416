import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, startTestRegion, type TestRegion } from '../support/region-harness';

/**
 * A region's /internal routes (replication feeds, stock transfers, the link switch, status) answer only a
 * caller that presents the regions' shared key: without it a local process or a forwarded request could
 * read every order, move stock or cut replication.
 */
describe('region-to-region routes', () => {
  let harness: TestRegion;
  const routes: Array<{ method: string; path: string; json?: unknown }> = [
    { method: 'GET', path: '/internal/status' },
    { method: 'GET', path: '/internal/replication/changes?after=0&limit=2000&from=x' },
    { method: 'GET', path: '/internal/replication/events?after=0&from=observer' },
    { method: 'GET', path: '/internal/replication/events/head' },
    { method: 'PUT', path: '/internal/link', json: { up: false } },
    { method: 'POST', path: '/internal/replication/reset-lag' },
    {
      method: 'POST',
      path: '/internal/inventory/transfers',
      json: { transferId: 't-1', sku: 'MUG-001', quantity: 5, toRegion: 'eu-west-1' },
    },
  ];

  beforeAll(async () => {
    harness = await startTestRegion();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it.each(routes)('refuses $method $path without the region key, or with another key', async (route) => {
    const stockBefore = await harness.stockOf('MUG-001');
    for (const authorization of [undefined, 'Bearer not-the-key', `Bearer ${harness.regionKey}x`]) {
      const response = await httpRequest<{ code?: string }>(`${harness.origin}${route.path}`, {
        method: route.method,
        ...(route.json === undefined ? {} : { json: route.json }),
        headers: authorization ? { authorization } : {},
      });
      expect(response.status, `${route.method} ${route.path} with ${authorization}`).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body.code).toBe('unauthenticated');
    }
    expect(await harness.stockOf('MUG-001')).toEqual(stockBefore);
    const status = await httpRequest<{ link: string }>(`${harness.origin}/internal/status`, {
      headers: { authorization: `Bearer ${harness.regionKey}` },
    });
    expect(status.body.link).toBe('up');
  });

  it('serves a caller that presents the key', async () => {
    const response = await httpRequest<{ region: string; link: string }>(
      `${harness.origin}/internal/status`,
      {
        headers: { authorization: `Bearer ${harness.regionKey}` },
      },
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ region: 'us-east-1', link: 'up' });
  });
});
