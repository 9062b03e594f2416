import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/assertions';
import { newKey, orderBody, startTestRegion, type TestRegion } from '../support/region-harness';

// The front door stamps each attempt with x-meridian-deadline; past it, it may already have sent the
// request to another region. A region that stalled and wakes up late must not act on it.
describe('requests that arrive after their deadline', () => {
  let region: TestRegion;
  let token: string;
  let admin: string;

  beforeAll(async () => {
    region = await startTestRegion();
    token = await region.token('alice');
    admin = await region.token('admin');
  });
  afterAll(() => region.close());

  const orderCount = async () =>
    (
      (await region.request<{ items: unknown[] }>('/admin/orders?limit=100', { token: admin })).body.items ??
      []
    ).length;

  it('refuses a late order with a 503 problem and creates nothing', async () => {
    const before = await orderCount();

    const response = await region.request('/orders', {
      method: 'POST',
      token,
      json: orderBody(),
      headers: { 'idempotency-key': newKey('late'), 'x-meridian-deadline': String(Date.now() - 1) },
    });

    expectProblem(response, 503, 'deadline_exceeded');
    expect(await orderCount()).toBe(before);
  });

  it('serves the same order while its deadline has not passed', async () => {
    const response = await region.request('/orders', {
      method: 'POST',
      token,
      json: orderBody(),
      headers: { 'idempotency-key': newKey('in-time'), 'x-meridian-deadline': String(Date.now() + 60_000) },
    });

    expect(response.status).toBe(202);
  });

  it('still answers reads after the deadline (they change nothing)', async () => {
    const response = await region.request('/products', {
      headers: { 'x-meridian-deadline': String(Date.now() - 1) },
    });
    expect(response.status).toBe(200);
  });
});
