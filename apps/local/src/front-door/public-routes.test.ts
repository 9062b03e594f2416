import { describe, expect, it } from 'vitest';
import { PublicRoutes } from './public-routes';

describe('PublicRoutes', () => {
  const routes = new PublicRoutes();

  it.each([
    ['GET', '/api/v1/health'],
    ['HEAD', '/api/v1/products'],
    ['GET', '/api/v1/openapi.json'],
    ['GET', '/api/v1/products/MUG-001'],
    ['POST', '/api/v1/orders'],
    ['GET', '/api/v1/orders/ord_1_us-east-1'],
    ['POST', '/api/v1/orders/ord_1_us-east-1/cancel'],
    ['PATCH', '/api/v1/admin/products/MUG-001'],
    ['POST', '/api/v1/admin/dead-letters/redrive'],
    ['GET', '/api/v1/admin/executions/ord_1-place/history'],
  ])('forwards %s %s, a route of the API', (method, path) => {
    expect(routes.match(method, path)).toBe('matched');
  });

  it.each([
    ['GET', '/internal/status'],
    ['GET', '/api/v1/internal/status'],
    ['PUT', '/internal/link'],
    ['GET', '/api/v1'],
    ['GET', '/api/v1/'],
    ['GET', '/api/v1/orders/'],
    ['DELETE', '/api/v1/orders/ord_1'],
    ['PUT', '/api/v1/orders'],
    ['OPTIONS', '/api/v1/products'],
    ['TRACE', '/api/v1/products'],
    ['GET', '/api/v1/products/MUG-001/extra'],
    ['GET', '/api/v1/products/MUG-001/../../internal'],
    ['GET', '/api/v2/products'],
  ])('forwards nothing else: %s %s', (method, path) => {
    expect(routes.match(method, path)).toBe('no-route');
  });
});
