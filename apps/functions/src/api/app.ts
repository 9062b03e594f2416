import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import type { ApiDependencies, ApiEnv } from './api-env';
import { unsupportedMediaType } from './json-content-type';
import { limitBodySize, refuseLateRequests, requireAdmin, requireAuth, requireJsonBody } from './middleware';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi/document';
import {
  createRouteRegistry,
  type HttpMethod,
  type RequestPart,
  type RouteRegistry,
} from './openapi/route-registry';
import { problem, problemForError } from './problem';
import { problemResponse } from './problem-response';
import { registerAdminRoutes } from './routes/admin-routes';
import { registerHealthRoutes } from './routes/health-routes';
import { registerMoneyRoutes } from './routes/money-routes';
import { registerOrderRoutes } from './routes/order-routes';
import { registerProductRoutes } from './routes/product-routes';

export const API_BASE_PATH = '/api/v1';
/** Order bodies are a few hundred bytes; anything near this limit is a mistake or an attack. */
export const MAX_BODY_BYTES = 32 * 1024;

/**
 * The answer to a request no route serves (unknown path or wrong method). Exported because a server that
 * mounts the API app with `route()` does not inherit the app's notFound handler and must set it itself.
 */
export function routeNotFound(c: Context): Response {
  return problemResponse(c, problem(404, 'route_not_found', `No route ${c.req.method} ${c.req.path}.`));
}

const payloadTooLarge = () =>
  problem(413, 'payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);

function validationProblem(error: ZodError, part: RequestPart) {
  const errors = error.issues.map((issue) => ({
    path: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  const missingKey = part === 'headers' && error.issues.some((issue) => issue.path[0] === 'idempotency-key');
  return missingKey
    ? problem(
        400,
        'idempotency_key_required',
        'POST /orders needs an Idempotency-Key header (1-255 visible ASCII characters).',
        { errors },
      )
    : problem(400, 'invalid_request', 'The request does not match the API schema.', { errors });
}

function registerApiRoutes(routes: RouteRegistry<ApiEnv>, deps: ApiDependencies): void {
  registerHealthRoutes(routes, deps);
  registerProductRoutes(routes, deps);
  registerOrderRoutes(routes, deps);
  registerAdminRoutes(routes, deps);
  registerMoneyRoutes(routes, deps);
}

/** One route of the public API: its method and OpenAPI path (`{name}` for a parameter), under /api/v1. */
export interface ApiRoute {
  method: HttpMethod;
  path: string;
}

/**
 * Every route the API serves, the OpenAPI document included: what an edge in front of it (the local front
 * door) may forward, and nothing else.
 */
export function listApiRoutes(): ApiRoute[] {
  const routes = createRouteRegistry(new Hono<ApiEnv>(), (c) => c.body(null, 400));
  // Registering only records the routes; the handlers, which would use the dependencies, never run here.
  // A runtime that offers every optional route (a reconciler run on request) is assumed.
  const everyRoute = { reconcileNow: () => Promise.reject(new Error('not served here')) };
  registerApiRoutes(routes, everyRoute as unknown as ApiDependencies);
  return [
    ...routes.routes.map(({ method, path }) => ({ method, path })),
    { method: 'get', path: '/openapi.json' },
  ];
}

/**
 * The Meridian HTTP API: one Hono app, served by a local region process and by API Gateway through Lambda.
 * Errors are RFC 9457 problem+json; every response names the region that answered.
 */
export function createApiApp(deps: ApiDependencies): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();

  api.use(
    '*',
    refuseLateRequests(() => deps.ctx.clock.now()),
  );
  api.use('*', requireJsonBody);
  api.use(
    '*',
    limitBodySize(MAX_BODY_BYTES, (c) => problemResponse(c, payloadTooLarge())),
  );
  for (const path of ['/orders', '/orders/*', '/notifications', '/admin/*'])
    api.use(path, requireAuth(deps.verifier));
  api.use('/admin/*', requireAdmin);

  const routes = createRouteRegistry(api, (c, error, part) =>
    problemResponse(c, validationProblem(error, part)),
  );
  registerApiRoutes(routes, deps);

  // Built on the first request, then kept: converting every schema takes tens of milliseconds, which
  // neither a cold start nor each later request should pay.
  let document: OpenApiDocument | undefined;
  api.get('/openapi.json', (c) => {
    document ??= buildOpenApiDocument(routes.routes, {
      info: {
        title: 'Meridian API',
        version: '1.0.0',
        description: 'Multi-region commerce API. Errors are application/problem+json (RFC 9457).',
      },
      servers: [{ url: API_BASE_PATH }],
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A Cognito user pool token on AWS; locally `npm run -s token -- alice`.',
        },
      },
    });
    return c.json(document);
  });

  const app = new Hono<ApiEnv>();
  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('x-meridian-region', deps.ctx.region);
  });
  app.route(API_BASE_PATH, api);
  app.notFound(routeNotFound);
  app.onError((error, c) => {
    const known = problemForError(error);
    if (known) {
      const headers: Record<string, string> = known.status === 401 ? { 'www-authenticate': 'Bearer' } : {};
      if (known.status === 503) headers['retry-after'] = '1';
      return problemResponse(c, known, headers);
    }
    if (error instanceof HTTPException && error.status < 500) {
      // The same codes the middleware answers with, whichever layer finds the problem.
      if (error.status === 415) return problemResponse(c, unsupportedMediaType());
      if (error.status === 413) return problemResponse(c, payloadTooLarge());
      const malformed = error.status === 400 && /json/i.test(error.message);
      return problemResponse(
        c,
        malformed
          ? problem(400, 'malformed_json', 'The request body is not valid JSON.')
          : problem(error.status, 'invalid_request', error.message),
      );
    }
    deps.logger.error('unhandled error', {
      error: error instanceof Error ? error : String(error),
      path: c.req.path,
    });
    return problemResponse(
      c,
      problem(500, 'internal_error', 'Something went wrong on our side; it has been logged.'),
    );
  });
  return app;
}
