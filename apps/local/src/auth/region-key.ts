import type { HttpCall, HttpClient } from '@meridian/adapters-node';
import type { MiddlewareHandler } from 'hono';
import { bearerCredential, secretMatcher } from './local-secrets';

/** Headers that authenticate a call to another region's /internal routes. */
export function regionKeyHeaders(regionKey: string): { authorization: string } {
  return { authorization: `Bearer ${regionKey}` };
}

/**
 * Admits only callers presenting the regions' shared key (`Authorization: Bearer <key>`), compared in
 * constant time; anyone else gets 401 problem+json before any route runs.
 */
export function requireRegionKey(regionKey: string): MiddlewareHandler {
  const matches = secretMatcher(regionKey);
  return async (c, next) => {
    if (matches(bearerCredential(c.req.header('authorization')))) return next();
    return c.body(
      JSON.stringify({
        type: 'https://meridian.example/problems/unauthenticated',
        title: 'Unauthorized',
        status: 401,
        code: 'unauthenticated',
        detail: 'Region-to-region routes need the regions’ key.',
      }),
      401,
      { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer realm="meridian-internal"' },
    );
  };
}

/** The same client, presenting the region key on every call (to peers' /internal routes only). */
export function withRegionKey(http: HttpClient, regionKey: string): HttpClient {
  const headers = regionKeyHeaders(regionKey);
  return {
    call: (call: HttpCall) => http.call({ ...call, headers: { ...call.headers, ...headers } }),
  };
}
