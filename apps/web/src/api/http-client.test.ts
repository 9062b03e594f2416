import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, json, problem } from '../test-support/fake-fetch';
import { onRegionAnswered, readAllPages, requestJson, setUnauthorizedHandler } from './http-client';
import { describeProblem, ProblemError } from './problem';

describe('API client', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setUnauthorizedHandler(undefined);
  });

  it('turns a problem+json answer into a ProblemError with its code, detail and field errors', async () => {
    fakeFetch({
      'POST /api/v1/orders': () =>
        problem(422, 'invalid_order', 'SKU GHOST-1 is not sold.', {
          errors: [{ path: 'items.0.sku', message: 'unknown' }],
        }),
    });

    const failure = await requestJson('/api/v1/orders', { method: 'POST', body: {} }).catch(
      (e: unknown) => e,
    );

    expect(failure).toBeInstanceOf(ProblemError);
    const error = failure as ProblemError;
    expect([error.status, error.code, error.detail]).toEqual([
      422,
      'invalid_order',
      'SKU GHOST-1 is not sold.',
    ]);
    expect(error.errors).toEqual([{ path: 'items.0.sku', message: 'unknown' }]);
    expect(describeProblem(error)).toEqual({
      headline: 'This order cannot be placed.',
      detail: 'SKU GHOST-1 is not sold.',
    });
  });

  it('gives a readable error for a proxy page and for a network failure', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })),
    );
    const gateway = (await requestJson('/api/v1/products').catch((e: unknown) => e)) as ProblemError;
    expect([gateway.code, describeProblem(gateway).headline]).toEqual(['http_502', 'Bad Gateway.']);

    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    const offline = (await requestJson('/api/v1/products').catch((e: unknown) => e)) as ProblemError;
    expect(offline.code).toBe('network_error');
    expect(describeProblem(offline).headline).toBe('Meridian could not be reached.');
  });

  it('reports the answering region and an expired session', async () => {
    fakeFetch({
      'GET /api/v1/products': () => json({ items: [] }, 200, { 'x-meridian-region': 'eu-west-1' }),
      'GET /api/v1/orders': () => problem(401, 'unauthenticated', 'Token expired.'),
    });
    const regions: string[] = [];
    const stop = onRegionAnswered((region) => regions.push(region));
    const expired = vi.fn();
    setUnauthorizedHandler(expired);

    const answer = await requestJson('/api/v1/products');
    await requestJson('/api/v1/orders', { token: 'old' }).catch(() => undefined);
    stop();

    expect(answer.region).toBe('eu-west-1');
    expect(regions).toEqual(['eu-west-1']);
    expect(expired).toHaveBeenCalledOnce();
  });

  it('treats an HTML page answered with 200 (the app shell) as a missing route', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } })),
    );
    const error = (await requestJson('/frontdoor/status').catch((e: unknown) => e)) as ProblemError;
    expect(error.isNotAvailable).toBe(true);
  });

  it('reads every page of a list by following nextCursor', async () => {
    const { requests } = fakeFetch({
      'GET /api/v1/products': ({ path }) => {
        const call = requests.filter((r) => r.path === path).length;
        return json(call === 1 ? { items: [1, 2], nextCursor: 'c2' } : { items: [3] });
      },
    });

    expect(await readAllPages<number>('/api/v1/products')).toEqual([1, 2, 3]);
    expect(requests).toHaveLength(2);
  });
});
