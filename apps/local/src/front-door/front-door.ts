import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import * as z from 'zod';
import { DEMO_USERS, type LocalIssuer, UnknownDemoUserError } from '../auth/local-issuer';
import { fallbackPage } from './fallback-page';
import type { HealthChecker, RegionTarget } from './health-checker';
import { registerOperationsRoutes } from './operations-routes';
import { createRegionProxy } from './proxy';
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
  /** Called before each attempt to reach a region (tests count where requests went). */
  onForward?: (region: RegionTarget) => void;
}

export interface FrontDoor {
  /** Everything but the API: web app, demo sign-in, operations routes. */
  app: Hono;
  /** The node:http request listener: /api/v1 goes straight to the region proxy, the rest to `app`. */
  listener: (incoming: IncomingMessage, res: ServerResponse) => void;
  /** Closes the kept-alive connections to the regions. */
  close(): void;
}

const API_PREFIX = '/api/v1';

function isApiPath(url: string): boolean {
  if (!url.startsWith(API_PREFIX)) return false;
  const next = url.charAt(API_PREFIX.length);
  return next === '' || next === '/' || next === '?';
}

const tokenRequestSchema = z.strictObject({ user: z.string().min(1).max(40), admin: z.boolean().optional() });

/**
 * The local stand-in for Route 53 + CloudFront: routes /api/v1 to a healthy region, serves the web app,
 * and (local mode only) the demo identity provider's token endpoint and JWKS.
 */
export function createFrontDoor(options: FrontDoorOptions): FrontDoor {
  const app = new Hono();
  const proxy = createRegionProxy({
    regions: options.regions,
    policy: options.policy,
    checker: options.checker,
    // Requests answer in milliseconds (sagas run behind them): a region silent for 3 s is treated as failed.
    timeoutMs: options.proxyTimeoutMs ?? 3_000,
    ...(options.onForward ? { onForward: options.onForward } : {}),
  });

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
  const appListener = getRequestListener(app.fetch);
  return {
    app,
    listener: (incoming, res) => {
      if (isApiPath(incoming.url ?? '/')) proxy.forward(incoming, res);
      else void appListener(incoming, res);
    },
    close: () => proxy.close(),
  };
}
