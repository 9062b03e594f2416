import {
  notificationSchema,
  orderSchema,
  pageQuerySchema,
  pageSchema,
  placeOrderBodySchema,
} from '@meridian/contracts';
import { cancelOrder, getOrder, listCustomerOrders, listNotifications, placeOrder } from '@meridian/domain';
import * as z from 'zod';
import type { ApiApp, ApiDependencies } from '../api-env';
import { defineRoute, registerRoute } from '../openapi/route-registry';
import { requestFingerprint } from '../request-fingerprint';
import { bearerSecurity, jsonContent, problemResponses, regionHeaders, toPageRequest } from './route-helpers';

const orderIdParam = z.object({ orderId: z.string().min(1).max(100) });

const placeRoute = defineRoute({
  method: 'post',
  path: '/orders',
  tags: ['orders'],
  summary: 'Place an order',
  description:
    'Accepts the order and starts the order saga. Requires an Idempotency-Key: the same key and body return the same order; the same key with another body is refused (422).',
  security: bearerSecurity,
  request: {
    headers: z.object({
      'idempotency-key': z
        .string()
        .min(1)
        .max(255)
        // Visible ASCII only: keys are stored in item keys and echoed in logs, where spaces and control
        // characters would make look-alike keys.
        .regex(/^[\x21-\x7e]+$/, 'Use visible ASCII characters only.')
        .meta({
          description:
            'Unique per order attempt (1-255 visible ASCII characters); reuse it when retrying the same request.',
        }),
    }),
    body: { required: true, content: { 'application/json': { schema: placeOrderBodySchema } } },
  },
  responses: {
    202: {
      description:
        'Accepted: the order is committed and its saga runs (started now, or moments later if the saga engine is briefly unavailable). Poll the order until its status is CONFIRMED, FAILED or CANCELLED.',
      headers: regionHeaders.extend({
        location: z.string(),
        'idempotent-replayed': z.literal('true').optional().meta({
          description:
            'Present (`true`) when the answer is the order an earlier request with the same Idempotency-Key and body placed.',
        }),
      }),
      content: { 'application/json': { schema: orderSchema } },
    },
    ...problemResponses(400, 401, 413, 415, 422),
  },
});

const listMineRoute = defineRoute({
  method: 'get',
  path: '/orders',
  tags: ['orders'],
  summary: "List the caller's orders, newest first",
  security: bearerSecurity,
  request: { query: pageQuerySchema },
  responses: {
    200: jsonContent(pageSchema(orderSchema, 'OrderPage'), 'A page of orders.'),
    ...problemResponses(400, 401),
  },
});

const getRoute = defineRoute({
  method: 'get',
  path: '/orders/{orderId}',
  tags: ['orders'],
  summary: 'Read an order: status, timeline, payment and shipment',
  security: bearerSecurity,
  request: { params: orderIdParam },
  responses: { 200: jsonContent(orderSchema, 'The order.'), ...problemResponses(400, 401, 404) },
});

const cancelRoute = defineRoute({
  method: 'post',
  path: '/orders/{orderId}/cancel',
  tags: ['orders'],
  summary: 'Cancel an order before it ships',
  description:
    'The saga compensates (refund or void, cancel the shipment, release the stock) and ends CANCELLED.',
  security: bearerSecurity,
  request: { params: orderIdParam },
  responses: {
    202: jsonContent(orderSchema, 'Cancellation under way.'),
    ...problemResponses(400, 401, 404, 409, 413, 415),
  },
});

const myNotificationsRoute = defineRoute({
  method: 'get',
  path: '/notifications',
  tags: ['orders'],
  summary: "The caller's notifications, newest first",
  security: bearerSecurity,
  request: { query: pageQuerySchema },
  responses: {
    200: jsonContent(pageSchema(notificationSchema, 'NotificationPage'), 'A page of notifications.'),
    ...problemResponses(400, 401),
  },
});

export function registerOrderRoutes(app: ApiApp, deps: ApiDependencies): void {
  registerRoute(app, placeRoute, async (c, input) => {
    const body = input.body;
    const principal = c.get('principal');
    const { order, created } = await placeOrder(deps.ctx, deps.workflow, {
      customerId: principal.subject,
      idempotencyKey: input.headers['idempotency-key'],
      requestFingerprint: requestFingerprint(body),
      items: body.items,
      shippingAddress: body.shippingAddress,
      paymentMethod: body.paymentMethod,
    });
    if (!created) c.header('idempotent-replayed', 'true');
    c.header('location', `/api/v1/orders/${order.orderId}`);
    return c.json(order, 202);
  });

  registerRoute(app, listMineRoute, async (c, input) => {
    const page = await listCustomerOrders(deps.ctx, c.get('principal').subject, toPageRequest(input.query));
    return c.json(page, 200);
  });

  registerRoute(app, getRoute, async (c, input) => {
    const principal = c.get('principal');
    const order = await getOrder(
      deps.ctx,
      input.params.orderId,
      principal.isAdmin ? undefined : principal.subject,
    );
    return c.json(order, 200);
  });

  registerRoute(app, cancelRoute, async (c, input) => {
    const principal = c.get('principal');
    const order = await cancelOrder(deps.ctx, deps.workflow, {
      orderId: input.params.orderId,
      ...(principal.isAdmin ? {} : { customerId: principal.subject }),
    });
    return c.json(order, 202);
  });

  registerRoute(app, myNotificationsRoute, async (c, input) => {
    const page = await listNotifications(deps.ctx, toPageRequest(input.query), c.get('principal').subject);
    return c.json(page, 200);
  });
}
