import type { Principal, TokenVerifier } from '@meridian/domain';
import type { Context, MiddlewareHandler } from 'hono';
import { bearerCredential } from '../auth/local-secrets';
import { type FrontDoorProblem, problemBody } from './http-problem';

export interface FrontDoorEnv {
  Variables: { principal: Principal };
}

export function problemAnswer(c: Context, problem: FrontDoorProblem, headers: Record<string, string> = {}) {
  return c.body(problemBody(problem), problem.status as 400, {
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
    ...headers,
  });
}

/**
 * Whether a browser sent this request on behalf of a page of another site: `Sec-Fetch-Site` says so, or an
 * `Origin` that is not this front door's own. Tools that are not browsers (the CLI, curl) send neither.
 */
export function isCrossSite(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = c.req.header('origin');
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== c.req.header('host');
  } catch {
    // "null" (a sandboxed frame, a file: page) or garbage: not this front door.
    return true;
  }
}

/**
 * Operator and customer routes of the front door: refuses requests a page of another site makes (403),
 * then requires a verified bearer token (401), of an admin when `admin` (403). The principal is then
 * `c.get('principal')`. A bearer token cannot be attached by a plain form or image either, so no simple
 * cross-site request gets past this.
 */
export function requirePrincipal(
  verifier: TokenVerifier,
  options: { admin: boolean },
): MiddlewareHandler<FrontDoorEnv> {
  return async (c, next) => {
    if (isCrossSite(c))
      return problemAnswer(c, {
        status: 403,
        code: 'cross_site_request',
        detail: 'Operator and account routes do not accept requests made by pages of other sites.',
      });
    const token = bearerCredential(c.req.header('authorization'));
    const principal = token ? await verifier.verify(token).catch(() => undefined) : undefined;
    if (!principal)
      return problemAnswer(
        c,
        {
          status: 401,
          code: 'unauthenticated',
          detail: token ? 'The bearer token is not valid.' : 'Send a bearer token (Authorization: Bearer …).',
        },
        { 'www-authenticate': 'Bearer' },
      );
    if (options.admin && !principal.isAdmin)
      return problemAnswer(c, { status: 403, code: 'forbidden', detail: 'Only an admin may do this.' });
    c.set('principal', principal);
    await next();
  };
}
