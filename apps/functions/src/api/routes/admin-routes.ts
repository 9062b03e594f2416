import {
  createProductBodySchema,
  deadLetterSchema,
  executionEventSchema,
  executionSchema,
  notificationSchema,
  orderSchema,
  pageQuerySchema,
  pageSchema,
  productSchema,
  restockBodySchema,
  skuSchema,
  updateProductBodySchema,
} from '@meridian/contracts';
import {
  addProduct,
  listAllOrders,
  listNotifications,
  markOrderShipped,
  restockProduct,
  updateProduct,
} from '@meridian/domain';
import * as z from 'zod';
import type { ApiApp, ApiDependencies } from '../api-env';
import { defineRoute, registerRoute } from '../openapi/route-registry';
import { problem } from '../problem';
import { problemResponse } from '../problem-response';
import { bearerSecurity, jsonContent, problemResponses, toPageRequest } from './route-helpers';

const tags = ['admin'];
const security = bearerSecurity;
const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true as const,
  content: { 'application/json': { schema } },
});
const skuParam = z.object({ sku: skuSchema });
const adminErrors = [400, 401, 403] as const;

const routes = {
  createProduct: defineRoute({
    method: 'post',
    path: '/admin/products',
    tags,
    security,
    summary: 'Add a product to the catalog',
    request: { body: jsonBody(createProductBodySchema) },
    responses: {
      201: jsonContent(productSchema, 'Created.'),
      ...problemResponses(...adminErrors, 409, 413, 415, 422),
    },
  }),
  updateProduct: defineRoute({
    method: 'patch',
    path: '/admin/products/{sku}',
    tags,
    security,
    summary: 'Change a product',
    request: { params: skuParam, body: jsonBody(updateProductBodySchema) },
    responses: {
      200: jsonContent(productSchema, 'Updated.'),
      ...problemResponses(...adminErrors, 404, 413, 415, 422),
    },
  }),
  restock: defineRoute({
    method: 'post',
    path: '/admin/products/{sku}/restock',
    tags,
    security,
    summary: "Add units to the SKU's regional allotments",
    description:
      'With an Idempotency-Key the restock is applied once, however often and in whichever regions it is repeated; the same key with another quantity or split is refused (422).',
    request: {
      params: skuParam,
      headers: z.object({
        'idempotency-key': z
          .string()
          .min(1)
          .max(255)
          .optional()
          .meta({ description: 'Unique per restock; reuse it when retrying the same request.' }),
      }),
      body: jsonBody(restockBodySchema),
    },
    responses: {
      200: jsonContent(productSchema, 'Restocked.'),
      ...problemResponses(...adminErrors, 404, 413, 415, 422),
    },
  }),
  listOrders: defineRoute({
    method: 'get',
    path: '/admin/orders',
    tags,
    security,
    summary: 'List every order, newest first',
    request: { query: pageQuerySchema },
    responses: {
      200: jsonContent(pageSchema(orderSchema, 'OrderPage'), 'A page of orders.'),
      ...problemResponses(...adminErrors),
    },
  }),
  shipOrder: defineRoute({
    method: 'post',
    path: '/admin/orders/{orderId}/ship',
    tags,
    security,
    summary: 'Hand a confirmed order to the carrier (it can no longer be cancelled)',
    request: { params: z.object({ orderId: z.string().min(1).max(100) }) },
    responses: { 200: jsonContent(orderSchema, 'Shipped.'), ...problemResponses(...adminErrors, 404, 409) },
  }),
  listDeadLetters: defineRoute({
    method: 'get',
    path: '/admin/dead-letters',
    tags,
    security,
    summary: 'Events a bus target failed to process',
    request: { query: pageQuerySchema },
    responses: {
      200: jsonContent(pageSchema(deadLetterSchema, 'DeadLetterPage'), 'A page.'),
      ...problemResponses(...adminErrors),
    },
  }),
  redriveOne: defineRoute({
    method: 'post',
    path: '/admin/dead-letters/{id}/redrive',
    tags,
    security,
    summary: 'Deliver one dead letter again',
    request: { params: z.object({ id: z.string().min(1).max(200) }) },
    responses: {
      202: jsonContent(z.object({ redriven: z.number().int() }), 'Queued again.'),
      ...problemResponses(...adminErrors, 404),
    },
  }),
  redriveAll: defineRoute({
    method: 'post',
    path: '/admin/dead-letters/redrive',
    tags,
    security,
    summary: 'Deliver every dead letter again',
    responses: {
      202: jsonContent(z.object({ redriven: z.number().int() }), 'Queued again.'),
      ...problemResponses(...adminErrors),
    },
  }),
  listNotifications: defineRoute({
    method: 'get',
    path: '/admin/notifications',
    tags,
    security,
    summary: 'Every notification sent, newest first',
    request: { query: pageQuerySchema },
    responses: {
      200: jsonContent(pageSchema(notificationSchema, 'NotificationPage'), 'A page.'),
      ...problemResponses(...adminErrors),
    },
  }),
  listExecutions: defineRoute({
    method: 'get',
    path: '/admin/executions',
    tags,
    security,
    summary: 'Saga executions, newest first',
    request: {
      query: pageQuerySchema.extend({
        status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT']).optional(),
      }),
    },
    responses: {
      200: jsonContent(pageSchema(executionSchema, 'ExecutionPage'), 'A page.'),
      ...problemResponses(...adminErrors),
    },
  }),
  executionHistory: defineRoute({
    method: 'get',
    path: '/admin/executions/{name}/history',
    tags,
    security,
    summary: "One execution's step history",
    request: { params: z.object({ name: z.string().min(1).max(120) }) },
    responses: {
      200: jsonContent(z.object({ items: z.array(executionEventSchema) }), 'The history.'),
      ...problemResponses(...adminErrors, 404),
    },
  }),
};

export function registerAdminRoutes(app: ApiApp, deps: ApiDependencies): void {
  const { ctx, operations } = deps;
  registerRoute(app, routes.createProduct, async (c, input) =>
    c.json(await addProduct(ctx, input.body), 201),
  );
  registerRoute(app, routes.updateProduct, async (c, input) =>
    c.json(await updateProduct(ctx, input.params.sku, input.body), 200),
  );
  registerRoute(app, routes.restock, async (c, input) => {
    const key = input.headers['idempotency-key'];
    const product = await restockProduct(ctx, {
      sku: input.params.sku,
      ...input.body,
      ...(key === undefined ? {} : { idempotencyKey: key }),
    });
    return c.json(product, 200);
  });
  registerRoute(app, routes.listOrders, async (c, input) =>
    c.json(await listAllOrders(ctx, toPageRequest(input.query)), 200),
  );
  registerRoute(app, routes.shipOrder, async (c, input) =>
    c.json(await markOrderShipped(ctx, input.params.orderId), 200),
  );
  registerRoute(app, routes.listDeadLetters, async (c, input) =>
    c.json(await operations.listDeadLetters(toPageRequest(input.query)), 200),
  );
  registerRoute(app, routes.redriveOne, async (c, input) => {
    const { id } = input.params;
    if (!(await operations.redriveDeadLetter(id))) {
      return problemResponse(c, problem(404, 'dead_letter_not_found', `No dead letter ${id}.`));
    }
    return c.json({ redriven: 1 }, 202);
  });
  registerRoute(app, routes.redriveAll, async (c) =>
    c.json({ redriven: await operations.redriveAllDeadLetters() }, 202),
  );
  registerRoute(app, routes.listNotifications, async (c, input) =>
    c.json(await listNotifications(ctx, toPageRequest(input.query)), 200),
  );
  registerRoute(app, routes.listExecutions, async (c, input) => {
    const query = input.query;
    const page = await operations.listExecutions({
      ...toPageRequest(query),
      ...(query.status ? { status: query.status } : {}),
    });
    return c.json(page, 200);
  });
  registerRoute(app, routes.executionHistory, async (c, input) => {
    const { name } = input.params;
    const items = await operations.executionHistory(name);
    if (!items) return problemResponse(c, problem(404, 'execution_not_found', `No execution ${name}.`));
    return c.json({ items }, 200);
  });
}
