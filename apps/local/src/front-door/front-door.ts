import { existsSync } from 'node:fs';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import * as z from 'zod';
import { DEMO_USERS, type LocalIssuer, UnknownDemoUserError } from '../auth/local-issuer';
import { fallbackPage } from './fallback-page';
import type { HealthChecker, RegionTarget } from './health-checker';
import { registerOperationsRoutes } from './operations-routes';
import { proxyToRegion } from './proxy';
import type { RoutingPolicy } from './routing-policy';

export interface FrontDoorOptions {
  regions: readonly RegionTarget[];
  policy: RoutingPolicy;
  checker: HealthChecker;
  issuer: LocalIssuer;
  /** The built web app (apps/web/dist); a small built-in page is served when it is absent. */
  webRoot?: string;
  proxyTimeoutMs?: number;
  /** The launcher's control server (local mode), reached through /frontdoor/control/*. */
  controlUrl?: string;
  fetch?: typeof fetch;
}

const tokenRequestSchema = z.strictObject({ user: z.string().min(1).max(40), admin: z.boolean().optional() });

/**
 * The local stand-in for Route 53 + CloudFront: routes /api/v1 to a healthy region, serves the web app,
 * and (local mode only) the demo identity provider's token endpoint and JWKS.
 */
export function createFrontDoor(options: FrontDoorOptions): Hono {
  const app = new Hono();
  const proxyOptions = {
    regions: options.regions,
    policy: options.policy,
    checker: options.checker,
    // Requests answer in milliseconds (sagas run behind them): a region silent for 3 s is treated as failed.
    timeoutMs: options.proxyTimeoutMs ?? 3_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };

  app.all('/api/v1/*', (c) => proxyToRegion(c.req.raw, proxyOptions));
  app.all('/api/v1', (c) => proxyToRegion(c.req.raw, proxyOptions));

  app.get('/auth/.well-known/jwks.json', (c) => c.json(options.issuer.jwks()));
  app.get('/auth/users', (c) => c.json({ users: DEMO_USERS }));
  // Demo sign-in for local mode (Cognito's hosted UI on AWS): anyone on this machine may act as a demo user.
  app.post('/auth/token', async (c) => {
    const parsed = tokenRequestSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      return c.json({ code: 'invalid_request', detail: 'Send {"user": "alice"}.' }, 400, {
        'content-type': 'application/problem+json',
      });
    }
    try {
      const token = await options.issuer.issue(parsed.data.user, { admin: parsed.data.admin ?? false });
      return c.json({ token, tokenType: 'Bearer', user: parsed.data.user });
    } catch (error) {
      if (!(error instanceof UnknownDemoUserError)) throw error;
      return c.json({ code: 'unknown_user', detail: error.message }, 404, {
        'content-type': 'application/problem+json',
      });
    }
  });

  registerOperationsRoutes(app, {
    regions: options.regions,
    policy: options.policy,
    checker: options.checker,
    ...(options.controlUrl ? { controlUrl: options.controlUrl } : {}),
  });

  if (options.webRoot && existsSync(options.webRoot)) {
    const root = options.webRoot;
    app.use('/*', serveStatic({ root }));
    // Client-side routes (e.g. /orders/123) get the app shell.
    app.get('*', serveStatic({ root, path: 'index.html' }));
  } else {
    app.get('/', (c) => c.html(fallbackPage()));
  }
  return app;
}
