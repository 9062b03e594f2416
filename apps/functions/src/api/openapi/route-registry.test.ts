import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { problem } from '../problem';
import { type ProblemResponse, problemResponse } from '../problem-response';
import { createRouteRegistry, defineRoute, type RequestPart, registerRoute } from './route-registry';

const itemRoute = defineRoute({
  method: 'post',
  path: '/shelves/{shelf}/items',
  request: {
    params: z.object({ shelf: z.string().regex(/^[A-Z]$/) }),
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).default(5),
      tag: z.array(z.string()).optional(),
    }),
    headers: z.object({ 'x-request-key': z.string().min(1) }),
    body: {
      required: true,
      content: { 'application/json': { schema: z.strictObject({ name: z.string().trim().min(1) }) } },
    },
  },
  responses: {
    201: {
      description: 'Created.',
      content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } },
    },
  },
});

/** The registry on a bare app, failures answered as the API does: 400 with the failing part and paths. */
function setup() {
  const app = new Hono();
  const failures: RequestPart[] = [];
  const registry = createRouteRegistry(app, (c, error, part) => {
    failures.push(part);
    return problemResponse(
      c,
      problem(400, 'invalid_request', part, {
        errors: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      }),
    );
  });
  const seen = vi.fn();
  registerRoute(registry, itemRoute, (c, input) => {
    // Typed as the schemas output them: the default limit is a number, the trimmed name a string.
    const limit: number = input.query.limit;
    const name: string = input.body.name;
    seen({ ...input, limit, name });
    return c.json({ ok: true }, 201);
  });
  const errors: unknown[] = [];
  app.onError((error, c) => {
    errors.push(error);
    return c.text('error', error instanceof HTTPException ? error.status : 500);
  });
  return { app, registry, failures, seen, errors };
}

const validRequest = (init: RequestInit = {}) => ({
  method: 'POST',
  body: JSON.stringify({ name: '  lamp ' }),
  ...init,
  headers: { 'content-type': 'application/json', 'X-Request-Key': 'k1', ...init.headers },
});

describe('registerRoute', () => {
  it('mounts {name} paths and hands the validated, typed values to the handler', async () => {
    const { app, registry, seen } = setup();

    const response = await app.request('/shelves/B/items?tag=a&tag=b', validRequest());

    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ok: true });
    expect(seen).toHaveBeenCalledWith({
      query: { limit: 5, tag: ['a', 'b'] },
      params: { shelf: 'B' },
      headers: { 'x-request-key': 'k1' },
      body: { name: 'lamp' },
      limit: 5,
      name: 'lamp',
    });
    expect(registry.routes).toEqual([itemRoute]);
  });

  it.each<[string, string, RequestInit, RequestPart, string]>([
    ['an unknown query parameter', '/shelves/B/items?color=red', {}, 'query', ''],
    ['a bad query value', '/shelves/B/items?limit=0', {}, 'query', 'limit'],
    ['a bad path parameter', '/shelves/bb/items', {}, 'params', 'shelf'],
    [
      'a missing header',
      '/shelves/B/items',
      { headers: { 'X-Request-Key': '' } },
      'headers',
      'x-request-key',
    ],
    ['a bad body', '/shelves/B/items', { body: '{"name":" "}' }, 'body', 'name'],
    ['an unknown body field', '/shelves/B/items', { body: '{"name":"a","x":1}' }, 'body', ''],
    ['a JSON null body', '/shelves/B/items', { body: 'null' }, 'body', ''],
  ])(
    'answers %s through the hook, never reaching the handler',
    async (_label, path, init, part, issuePath) => {
      const { app, failures, seen } = setup();

      const response = await app.request(path, validRequest(init));

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const body = (await response.json()) as { detail: string; errors: Array<{ path: string }> };
      expect(body.detail).toBe(part);
      expect(body.errors.map((error) => error.path)).toContain(issuePath);
      expect(failures).toEqual([part]);
      expect(seen).not.toHaveBeenCalled();
    },
  );

  it('validates query, path, headers, then body: the first failing part answers', async () => {
    const { app, failures } = setup();

    await app.request(
      '/shelves/bb/items?limit=0',
      validRequest({ body: '{}', headers: { 'X-Request-Key': '' } }),
    );

    expect(failures).toEqual(['query']);
  });

  it('refuses a request without a body with 400', async () => {
    const { app, failures } = setup();

    const response = await app.request('/shelves/B/items', {
      method: 'POST',
      headers: { 'x-request-key': 'k' },
    });

    expect(response.status).toBe(400);
    expect(failures).toEqual(['body']);
  });

  it.each([
    ['malformed JSON', '{"name": '],
    ['an empty JSON body', ''],
  ])('throws the 400 JSON HTTPException the app maps to malformed_json for %s', async (_label, body) => {
    const { app, errors, seen } = setup();

    const response = await app.request('/shelves/B/items', validRequest({ body }));

    expect(response.status).toBe(400);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(HTTPException);
    expect(String((errors[0] as HTTPException).message)).toMatch(/json/i);
    expect(seen).not.toHaveBeenCalled();
  });

  it.each([
    ['a text/plain body', { 'content-type': 'text/plain' }],
    ['a body without a content type', { 'content-type': '' }],
  ])('refuses %s with 415', async (_label, headers) => {
    const { app, errors, seen } = setup();
    const request = new Request('http://localhost/shelves/B/items', validRequest({ headers }));
    if (headers['content-type'] === '') request.headers.delete('content-type');

    const response = await app.request(request);

    expect(response.status).toBe(415);
    expect(errors[0]).toBeInstanceOf(HTTPException);
    expect(seen).not.toHaveBeenCalled();
  });

  it('accepts +json media types and parameters on the content type', async () => {
    const { app } = setup();

    for (const type of ['application/json; charset=utf-8', 'application/merge-patch+json']) {
      const response = await app.request(
        '/shelves/B/items',
        validRequest({ headers: { 'content-type': type } }),
      );
      expect(response.status, type).toBe(201);
    }
  });

  it('lets a handler answer with a problem besides its documented responses', async () => {
    const app = new Hono();
    const registry = createRouteRegistry(app, (c) => c.text('invalid', 400));
    const route = defineRoute({
      method: 'get',
      path: '/things/{id}',
      request: { params: z.object({ id: z.string() }) },
      responses: { 200: { description: 'A thing.' } },
    });
    registerRoute(
      registry,
      route,
      (c, input): ProblemResponse =>
        problemResponse(c, problem(404, 'thing_not_found', `No thing ${input.params.id}.`)),
    );

    const response = await app.request('/things/t1');

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'thing_not_found', detail: 'No thing t1.' });
  });
});
