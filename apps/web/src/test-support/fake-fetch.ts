import { vi } from 'vitest';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}

type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): Response {
  return new Response(
    JSON.stringify({
      type: `https://meridian.example/problems/${code}`,
      title: 'Error',
      status,
      code,
      detail,
      ...extra,
    }),
    {
      status,
      headers: { 'content-type': 'application/problem+json' },
    },
  );
}

/**
 * Replaces global fetch with a router keyed by "METHOD /path" (query string ignored); unmatched
 * requests answer 404 like the API would, and every request is recorded for assertions.
 */
export function fakeFetch(routes: Record<string, Handler>): { requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string | URL | Request, init: RequestInit = {}) => {
      const url = new URL(String(input), 'http://localhost');
      const method = (init.method ?? 'GET').toUpperCase();
      const text = typeof init.body === 'string' ? init.body : undefined;
      let body: unknown = text;
      try {
        body = text === undefined ? undefined : JSON.parse(text);
      } catch {
        // Form-encoded bodies stay text.
      }
      const request = { method, path: url.pathname, headers: new Headers(init.headers), body };
      requests.push(request);
      const handler = routes[`${method} ${url.pathname}`];
      return handler
        ? handler(request)
        : problem(404, 'route_not_found', `No route ${method} ${url.pathname}.`);
    }),
  );
  return { requests };
}
