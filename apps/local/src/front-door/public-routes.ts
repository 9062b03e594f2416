import { type ApiRoute, listApiRoutes } from '@meridian/functions/api';

export const API_PREFIX = '/api/v1';

export type RouteMatch = 'matched' | 'no-route';

/**
 * The public API's routes as the front door admits them: a method and a path whose segments match one
 * route of the API (a `{parameter}` matches any one non-empty segment). HEAD is admitted where GET is.
 * Anything else, and above all the regions' /internal routes, is never forwarded.
 */
export class PublicRoutes {
  private readonly routes: Array<{ method: string; segments: Array<string | null> }>;

  constructor(routes: readonly ApiRoute[] = listApiRoutes()) {
    this.routes = routes.map((route) => ({
      method: route.method.toUpperCase(),
      // null stands for a parameter.
      segments: route.path
        .split('/')
        .slice(1)
        .map((segment) => (/^\{[^}]+\}$/.test(segment) ? null : segment)),
    }));
  }

  /** Whether `method path` is a route of the API; `path` is a checked request path (see request-target.ts). */
  match(method: string, path: string): RouteMatch {
    if (!path.startsWith(`${API_PREFIX}/`)) return 'no-route';
    const segments = path.slice(API_PREFIX.length).split('/').slice(1);
    const wanted = method === 'HEAD' ? 'GET' : method;
    const found = this.routes.some(
      (route) =>
        route.method === wanted &&
        route.segments.length === segments.length &&
        route.segments.every((expected, index) => {
          const actual = segments[index] ?? '';
          return expected === null ? actual !== '' : actual === expected;
        }),
    );
    return found ? 'matched' : 'no-route';
  }
}
