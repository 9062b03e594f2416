import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Principal, TokenVerifier } from '@meridian/domain';
import { JwtTokenVerifier } from '@meridian/functions/api/jwt-token-verifier';
import { type Context, Hono } from 'hono';
import { isKnownPrincipal, LOCAL_AUDIENCE, LOCAL_ISSUER, type LocalIssuer } from '../auth/local-issuer';
import { bearerCredential } from '../auth/local-secrets';
import type { SignInRedemptions } from '../auth/sign-in-links';
import { registerAuthRoutes } from './auth-routes';
import { type ClientLimitSettings, ClientLimits, clientAddress, tooManyRequests } from './client-limits';
import { fallbackAssets, fallbackPage } from './fallback-page';
import type { HealthChecker, RegionTarget } from './health-checker';
import { hasBody, writeProblem } from './http-problem';
import { registerOperationsRoutes } from './operations-routes';
import { type FrontDoorEnv, problemAnswer } from './operator-access';
import { createRegionProxy } from './proxy';
import { PublicRoutes } from './public-routes';
import { checkRequestTarget } from './request-target';
import type { RoutingPolicy } from './routing-policy';
import { applySecurityHeaders } from './security-headers';

export interface FrontDoorOptions {
  regions: readonly RegionTarget[];
  policy: RoutingPolicy;
  checker: HealthChecker;
  issuer: LocalIssuer;
  /** The regions' key: the front door reads their status and event feeds on /internal routes. */
  regionKey: string;
  /** One-time admin sign-in codes already used (a file in the data directory). */
  redemptions: SignInRedemptions;
  /** Rate limits and stream caps (defaults: DEFAULT_CLIENT_LIMITS). */
  limits?: ClientLimitSettings;
  /**
   * The host names clients may address the front door by (the Host header, port aside); others are
   * refused, so a page that rebinds its own domain to 127.0.0.1 cannot use it. Unset: any.
   */
  allowedHosts?: readonly string[];
  /** The built web app (apps/web/dist); a small built-in page is served when it is absent. */
  webRoot?: string;
  /** Whether the web app's source maps (*.map) are served; off unless asked for. */
  serveSourceMaps?: boolean;
  proxyTimeoutMs?: number;
  /** The launcher's control server (local mode), reached through /frontdoor/control/*. */
  controlUrl?: string;
  /** Called before each attempt to reach a region (tests count where requests went). */
  onForward?: (region: RegionTarget) => void;
  now?: () => number;
}

/** The host name a Host header names, port aside, lower-cased: `localhost`, `127.0.0.1`, `[::1]`. */
export function hostName(header: string | undefined): string {
  const host = (header ?? '').trim().toLowerCase();
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
}

export interface FrontDoor {
  /** Everything but the API: web app, demo sign-in, operations routes. */
  app: Hono<FrontDoorEnv>;
  /** The node:http request listener: every request is checked and limited, then /api/v1 goes to the proxy. */
  listener: (incoming: IncomingMessage, res: ServerResponse) => void;
  /** Closes the kept-alive connections to the regions. */
  close(): void;
}

/**
 * The local stand-in for Route 53 + CloudFront (+ API Gateway's throttling and a WAF's rate rule): refuses
 * request targets that would normalize into something else, limits each client address and principal,
 * forwards the public API's routes (and nothing else) to a healthy region, serves the web app, the demo
 * identity provider and the operator routes, and sets the security headers on every answer.
 */
export function createFrontDoor(options: FrontDoorOptions): FrontDoor {
  const verifier: TokenVerifier = new JwtTokenVerifier({
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    keySet: options.issuer.keySet(),
    knownSubject: isKnownPrincipal,
  });
  const limits = new ClientLimits(options.limits, options.now);
  const publicRoutes = new PublicRoutes();
  const proxy = createRegionProxy({
    regions: options.regions,
    policy: options.policy,
    checker: options.checker,
    // Requests answer in milliseconds (sagas run behind them): a region silent for 3 s is treated as failed.
    timeoutMs: options.proxyTimeoutMs ?? 3_000,
    ...(options.onForward ? { onForward: options.onForward } : {}),
  });

  const app = new Hono<FrontDoorEnv>();
  registerAuthRoutes(app, { issuer: options.issuer, redemptions: options.redemptions });
  registerOperationsRoutes(app, {
    regions: options.regions,
    policy: options.policy,
    checker: options.checker,
    verifier,
    limits,
    regionKey: options.regionKey,
    ...(options.controlUrl ? { controlUrl: options.controlUrl } : {}),
  });
  const noRoute = (c: Context<FrontDoorEnv>) =>
    problemAnswer(c, {
      status: 404,
      code: 'route_not_found',
      detail: `No route ${c.req.method} ${c.req.path}.`,
    });
  // Unknown routes of the front door's own namespaces are 404s, never the web app's shell.
  for (const prefix of ['/auth/*', '/frontdoor/*']) app.all(prefix, noRoute);
  if (!options.serveSourceMaps)
    app.get('*', async (c, next) =>
      c.req.path.endsWith('.map')
        ? problemAnswer(c, { status: 404, code: 'not_found', detail: 'Source maps are not served.' })
        : next(),
    );
  if (options.webRoot && existsSync(options.webRoot)) {
    const root = options.webRoot;
    app.use('/*', serveStatic({ root }));
    // Client-side routes (e.g. /orders/123) get the app shell.
    app.get('*', serveStatic({ root, path: 'index.html' }));
  } else {
    fallbackAssets(app);
    app.get('/', (c) => c.html(fallbackPage()));
  }
  app.notFound(noRoute);
  app.onError((error, c) => {
    console.error(`front door: ${error.stack ?? error.message}`);
    return problemAnswer(c, {
      status: 500,
      code: 'internal_error',
      detail: 'The front door failed; it has been logged.',
    });
  });
  const appListener = getRequestListener(app.fetch);

  /** The verified principal behind a bearer token, if any (an invalid token is the region's to refuse). */
  const principalOf = async (incoming: IncomingMessage): Promise<Principal | undefined> => {
    const token = bearerCredential(incoming.headers.authorization);
    return token ? verifier.verify(token).catch(() => undefined) : undefined;
  };

  const handle = async (incoming: IncomingMessage, res: ServerResponse): Promise<void> => {
    const close = hasBody(incoming.headers);
    const target = checkRequestTarget(incoming.url ?? '');
    if (!target.ok) return writeProblem(res, target, { close });
    if (options.allowedHosts && !options.allowedHosts.includes(hostName(incoming.headers.host)))
      return writeProblem(
        res,
        {
          status: 403,
          code: 'host_not_allowed',
          detail: `This front door answers to ${options.allowedHosts.join(', ')} only (MERIDIAN_HOST exposes it).`,
        },
        { close },
      );
    // The address first: a flood of forged tokens is limited before any signature is checked.
    const byAddress = limits.admitAddress(clientAddress(incoming.socket.remoteAddress));
    if (!byAddress.admitted) {
      const refusal = tooManyRequests(byAddress, 'client address');
      return writeProblem(res, refusal.problem, { headers: refusal.headers, close });
    }
    const principal = await principalOf(incoming);
    const byPrincipal = principal ? limits.admitPrincipal(principal.subject) : undefined;
    if (byPrincipal && !byPrincipal.admitted) {
      const refusal = tooManyRequests(byPrincipal, 'user');
      return writeProblem(res, refusal.problem, { headers: refusal.headers, close });
    }
    if (target.path === '/api' || target.path.startsWith('/api/')) {
      if (publicRoutes.match(incoming.method ?? 'GET', target.path) === 'no-route')
        return writeProblem(
          res,
          { status: 404, code: 'route_not_found', detail: `No route ${incoming.method} ${target.path}.` },
          { close },
        );
      return proxy.forward(incoming, res);
    }
    await appListener(incoming, res);
  };

  return {
    app,
    listener: (incoming, res) => {
      applySecurityHeaders(res);
      handle(incoming, res).catch((error: unknown) => {
        console.error(`front door: ${error instanceof Error ? error.stack : String(error)}`);
        writeProblem(
          res,
          { status: 500, code: 'internal_error', detail: 'The front door failed; it has been logged.' },
          { close: true },
        );
      });
    },
    close: () => proxy.close(),
  };
}
