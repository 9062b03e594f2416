import { createRoute } from '@hono/zod-openapi';
import { pageQuerySchema, pageSchema, productSchema, skuSchema } from '@meridian/contracts';
import { getProduct, listProducts } from '@meridian/domain';
import * as z from 'zod';
import type { ApiApp, ApiDependencies } from '../api-env';
import { jsonContent, problemResponses, toPageRequest } from './route-helpers';

const listRoute = createRoute({
  method: 'get',
  path: '/products',
  tags: ['catalog'],
  summary: 'List products with their stock per region',
  request: { query: pageQuerySchema },
  responses: {
    200: jsonContent(pageSchema(productSchema, 'ProductPage'), 'A page of products.'),
    ...problemResponses(400),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/products/{sku}',
  tags: ['catalog'],
  summary: 'Read one product',
  request: { params: z.object({ sku: skuSchema }) },
  responses: { 200: jsonContent(productSchema, 'The product.'), ...problemResponses(400, 404) },
});

export function registerProductRoutes(app: ApiApp, deps: ApiDependencies): void {
  app.openapi(listRoute, async (c) => {
    return c.json(await listProducts(deps.ctx, toPageRequest(c.req.valid('query'))), 200);
  });
  app.openapi(getRoute, async (c) => c.json(await getProduct(deps.ctx, c.req.valid('param').sku), 200));
}
