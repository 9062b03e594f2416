import { ForbiddenError, type TokenVerifier, UnauthenticatedError } from '@meridian/domain';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ApiEnv } from './api-env';
import { isJsonContentType, unsupportedMediaType } from './json-content-type';
import { problem } from './problem';
import { problemResponse } from './problem-response';

/** Requires a verified bearer token; the principal is then available as c.get('principal'). */
export function requireAuth(verifier: TokenVerifier): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new UnauthenticatedError();
    c.set('principal', await verifier.verify(match[1]));
    await next();
  };
}

export const requireAdmin: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (!c.get('principal').isAdmin) throw new ForbiddenError();
  await next();
};

/**
 * A caller in front of the region (the front door) may give up on a request and send it elsewhere. A
 * state-changing request that arrives after its `x-meridian-deadline` (epoch ms) is refused without
 * effect, so a region that stalled and wakes up does not act on a request another region already served.
 */
export function refuseLateRequests(now: () => number): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const deadline = Number(c.req.header('x-meridian-deadline'));
    if (
      c.req.method !== 'GET' &&
      c.req.method !== 'HEAD' &&
      Number.isFinite(deadline) &&
      deadline > 0 &&
      now() > deadline
    ) {
      return problemResponse(
        c,
        problem(
          503,
          'deadline_exceeded',
          'The request arrived after its caller gave up on it; it was not applied.',
        ),
      );
    }
    await next();
  };
}

/** Requests with a body must send JSON: anything else is refused before it is parsed (415). */
export const requireJsonBody: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const hasBody = c.req.header('content-length') !== undefined && c.req.header('content-length') !== '0';
  const chunked = c.req.header('transfer-encoding') !== undefined;
  if (['POST', 'PUT', 'PATCH'].includes(c.req.method) && (hasBody || chunked)) {
    if (!isJsonContentType(c.req.header('content-type'))) return problemResponse(c, unsupportedMediaType());
  }
  await next();
};

/**
 * Refuses bodies over `maxSize` bytes. A declared Content-Length is checked without touching the body;
 * only a streamed body (no length) goes through Hono's counting middleware, because asking a Node
 * request for its body stream builds a full WHATWG Request, which on the local server cost more than the
 * rest of a product read.
 */
export function limitBodySize(
  maxSize: number,
  tooLarge: (c: Context<ApiEnv>) => Response,
): MiddlewareHandler<ApiEnv> {
  const counting = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number(length) > maxSize ? tooLarge(c) : next();
    }
    return counting(c, next);
  };
}
