import { pageQuerySchema, pageSchema, productSchema, skuSchema } from '@meridian/contracts';
import { getProduct, listProducts } from '@meridian/domain';
import * as z from 'zod';
import type { ApiApp, ApiDependencies } from '../api-env';
import { defineRoute, registerRoute } from '../openapi/route-registry';
import { jsonContent, problemResponses, toPageRequest } from './route-helpers';

const listRoute = defineRoute({
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

const getRoute = defineRoute({
  method: 'get',
  path: '/products/{sku}',
  tags: ['catalog'],
  summary: 'Read one product',
  request: { params: z.object({ sku: skuSchema }) },
  responses: { 200: jsonContent(productSchema, 'The product.'), ...problemResponses(400, 404) },
});

export function registerProductRoutes(app: ApiApp, deps: ApiDependencies): void {
  registerRoute(app, listRoute, async (c, input) => {
    return c.json(await listProducts(deps.ctx, toPageRequest(input.query)), 200);
  });
  registerRoute(app, getRoute, async (c, input) => c.json(await getProduct(deps.ctx, input.params.sku), 200));
}
