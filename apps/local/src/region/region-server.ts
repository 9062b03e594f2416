import type { TokenVerifier } from '@meridian/domain';
import { createApiApp, routeNotFound } from '@meridian/functions/api';
import { JwtTokenVerifier } from '@meridian/functions/api/jwt-token-verifier';
import { Hono } from 'hono';
import type { JWTVerifyGetKey } from 'jose';
import { isKnownPrincipal, LOCAL_AUDIENCE, LOCAL_ISSUER } from '../auth/local-issuer';
import { createInternalApi, type InternalApiDependencies } from './internal-api';

/**
 * What the region process serves: the API, and the region-to-region endpoints under /internal. The API
 * app is returned too: tests and the benchmark call it without the internal routes.
 */
export function createRegionServer(
  api: Parameters<typeof createApiApp>[0],
  internal: InternalApiDependencies,
) {
  const app = createApiApp(api);
  const server = new Hono();
  server.route('/internal', createInternalApi(internal));
  server.route('/', app);
  // route() copies the API's routes and middleware but not its notFound handler: without this, unknown
  // paths and wrong methods would get Hono's text/plain 404 instead of the API's problem+json.
  server.notFound(routeNotFound);
  return { app, server };
}

export function jwtVerifier(keySet: JWTVerifyGetKey | undefined): TokenVerifier {
  if (!keySet) throw new Error('a region needs the issuer keySet or a token verifier');
  return new JwtTokenVerifier({
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    keySet,
    knownSubject: isKnownPrincipal,
  });
}
