import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS } from '../../src/catalog/demo-catalog';
import { expectProblem } from '../support/assertions';
import { startTestRegion, type TestRegion } from '../support/region-harness';

interface ProductView {
  sku: string;
  name: string;
  priceMinor: number;
  stock: {
    available: number;
    reserved: number;
    sold: number;
    byRegion: Array<{ region: string; available: number }>;
  };
}
interface ProductPage {
  items: ProductView[];
  nextCursor?: string;
}

let harness: TestRegion;

beforeAll(async () => {
  harness = await startTestRegion();
});
afterAll(async () => {
  await harness?.close();
});

describe('health', () => {
  it('answers 200 ok with the region, uncached, and with the region header', async () => {
    const response = await harness.request<{
      status: string;
      region: string;
      checks: Record<string, { status: string }>;
    }>('/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-meridian-region')).toBe('us-east-1');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body.status).toBe('ok');
    expect(response.body.region).toBe('us-east-1');
    expect(Object.keys(response.body.checks).sort()).toEqual(['bus', 'database', 'outbox', 'replication']);
    for (const check of Object.values(response.body.checks)) expect(check.status).toBe('ok');
  });

  it('names the region on 404s outside and inside the API, as problem+json', async () => {
    expectProblem(await harness.request(`${harness.origin}/definitely-not-here`), 404, 'route_not_found');
    expectProblem(await harness.request('/no-such-route'), 404, 'route_not_found');
    expectProblem(await harness.request('/products', { method: 'DELETE' }), 404, 'route_not_found');
  });

  it('names the region on validation errors and auth errors too', async () => {
    expectProblem(await harness.request('/products?limit=0'), 400, 'invalid_request');
    expectProblem(await harness.request('/orders'), 401, 'unauthenticated');
  });
});

describe('products', () => {
  it('lists the whole demo catalog with stock in this region only', async () => {
    const response = await harness.request<ProductPage>('/products?limit=100');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-meridian-region')).toBe('us-east-1');
    expect(response.body.nextCursor).toBeUndefined();
    const bySku = new Map(response.body.items.map((product) => [product.sku, product]));
    expect([...bySku.keys()].sort()).toEqual(DEMO_PRODUCTS.map((product) => product.sku).sort());
    for (const demo of DEMO_PRODUCTS) {
      const product = bySku.get(demo.sku);
      expect(product?.priceMinor).toBe(demo.priceMinor);
      expect(product?.stock).toMatchObject({ available: demo.initialStock, reserved: 0, sold: 0 });
      expect(product?.stock.byRegion.map((allotment) => allotment.region)).toEqual(['us-east-1']);
    }
  });

  it('pages with limit and cursor: every product exactly once, in a stable order', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await harness.request<ProductPage>(
        `/products?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...response.body.items.map((product) => product.sku));
      cursor = response.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(Math.ceil(DEMO_PRODUCTS.length / 3));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(DEMO_PRODUCTS.map((product) => product.sku).sort());
    const all = await harness.request<ProductPage>('/products?limit=100');
    expect(seen).toEqual(all.body.items.map((product) => product.sku));
  });

  it.each([
    ['a garbage cursor', '/products?cursor=not-a-cursor', 'invalid_cursor'],
    [
      'a base64 cursor of junk',
      `/products?cursor=${Buffer.from('{"pk":"x"}').toString('base64url')}`,
      'invalid_cursor',
    ],
    ['limit 0', '/products?limit=0', 'invalid_request'],
    ['limit 101', '/products?limit=101', 'invalid_request'],
    ['a non-numeric limit', '/products?limit=ten', 'invalid_request'],
    ['an unknown query parameter', '/products?color=red', 'invalid_request'],
  ])('refuses %s with a 400 problem', async (_label, path, code) => {
    expectProblem(await harness.request(path), 400, code);
  });

  it('reads one product by SKU', async () => {
    const demo = DEMO_PRODUCTS.find((product) => product.sku === 'GLOBE-001');
    const response = await harness.request<ProductView>('/products/GLOBE-001');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ sku: 'GLOBE-001', name: demo?.name, priceMinor: demo?.priceMinor });
    expect(response.body.stock.available).toBe(demo?.initialStock);
  });

  it('answers 404 for an unknown SKU and 400 for a malformed one', async () => {
    expectProblem(await harness.request('/products/NOPE-404'), 404, 'product_not_found');
    expectProblem(await harness.request('/products/not-a-sku'), 400, 'invalid_request');
  });
});

describe('OpenAPI document', () => {
  interface OpenApiDoc {
    openapi: string;
    servers: Array<{ url: string }>;
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: Array<{ name: string; in: string; required?: boolean }>;
          responses: Record<
            string,
            { content?: Record<string, unknown>; headers?: Record<string, { required?: boolean }> }
          >;
        }
      >
    >;
    components: {
      schemas: Record<string, unknown>;
      securitySchemes: Record<string, { type: string; scheme: string }>;
    };
  }

  const ROUTES: Record<string, string[]> = {
    '/health': ['get'],
    '/products': ['get'],
    '/products/{sku}': ['get'],
    '/orders': ['get', 'post'],
    '/orders/{orderId}': ['get'],
    '/orders/{orderId}/cancel': ['post'],
    '/notifications': ['get'],
    '/admin/products': ['post'],
    '/admin/products/{sku}': ['patch'],
    '/admin/products/{sku}/restock': ['post'],
    '/admin/orders': ['get'],
    '/admin/orders/{orderId}/ship': ['post'],
    '/admin/dead-letters': ['get'],
    '/admin/dead-letters/{id}/redrive': ['post'],
    '/admin/dead-letters/redrive': ['post'],
    '/admin/notifications': ['get'],
    '/admin/executions': ['get'],
    '/admin/executions/{name}/history': ['get'],
    '/admin/settlements': ['get'],
    '/admin/reconciliation': ['get', 'post'],
  };

  let doc: OpenApiDoc;
  beforeAll(async () => {
    const response = await harness.request<OpenApiDoc>('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    doc = response.body;
  });

  it('is OpenAPI 3.1 served under /api/v1', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.servers.map((server) => server.url)).toContain('/api/v1');
  });

  it('documents every route with its methods', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(Object.keys(ROUTES).sort());
    for (const [path, methods] of Object.entries(ROUTES)) {
      expect(Object.keys(doc.paths[path] ?? {}).sort(), path).toEqual([...methods].sort());
    }
  });

  it('has the shared components and the bearer scheme', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Problem', 'Order', 'PlaceOrderRequest', 'Product']),
    );
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('requires the Idempotency-Key header on POST /orders', () => {
    const parameter = doc.paths['/orders']?.post?.parameters?.find(
      (p) => p.name.toLowerCase() === 'idempotency-key',
    );
    expect(parameter).toMatchObject({ in: 'header', required: true });
  });

  it('documents the errors the order routes answer with, and the replay header', async () => {
    const statuses = (path: string, method: string) =>
      Object.keys(doc.paths[path]?.[method]?.responses ?? {});
    expect(statuses('/orders/{orderId}', 'get')).toEqual(expect.arrayContaining(['400', '401', '404']));
    expect(statuses('/orders/{orderId}/cancel', 'post')).toEqual(
      expect.arrayContaining(['400', '401', '404', '409', '413', '415']),
    );
    expect(doc.paths['/orders']?.post?.responses['202']?.headers?.['idempotent-replayed']).toMatchObject({
      required: false,
    });
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (path === '/health') continue;
      for (const [method, operation] of Object.entries(methods))
        expect(Object.keys(operation.responses), `${method} ${path}`).toContain('503');
    }
    // What the document promises, the API does.
    const alice = await harness.token('alice');
    const longId = 'o'.repeat(101);
    expectProblem(await harness.request(`/orders/${longId}`, { token: alice }), 400, 'invalid_request');
    expectProblem(
      await harness.request(`/orders/${longId}/cancel`, { method: 'POST', token: alice }),
      400,
      'invalid_request',
    );
    expectProblem(
      await harness.request('/orders/ord_x/cancel', {
        method: 'POST',
        token: alice,
        body: 'x',
        headers: { 'content-type': 'text/plain' },
      }),
      415,
      'unsupported_media_type',
    );
  });

  it('documents its errors as application/problem+json on every route but health', () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (path === '/health') continue;
      for (const [method, operation] of Object.entries(methods)) {
        const errors = Object.entries(operation.responses).filter(([status]) => /^[45]/.test(status));
        expect(errors.length, `${method} ${path}`).toBeGreaterThan(0);
        for (const [status, response] of errors) {
          expect(Object.keys(response.content ?? {}), `${method} ${path} ${status}`).toEqual([
            'application/problem+json',
          ]);
        }
      }
    }
  });
});
