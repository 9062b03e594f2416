import type { Context, Env, Hono, TypedResponse } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { StatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import type * as z from 'zod';
import { isJsonContentType } from '../json-content-type';
import type { ProblemResponse } from '../problem-response';

/**
 * Our own replacement for @hono/zod-openapi: a route is a plain object (method, path, zod schemas,
 * documented responses) that is both mounted on Hono with validation and rendered into the OpenAPI
 * document. We own it because @hono/zod-openapi pins the whole zod namespace (every locale) into the
 * Lambda bundle.
 */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The parts of a request a route can declare, validated in this order (the first failure answers). */
export type RequestPart = 'query' | 'params' | 'headers' | 'body';

export interface RouteBody {
  /** Every body we accept is required: a JSON route refuses a request that sends none. */
  readonly required: true;
  readonly description?: string;
  readonly content: { readonly 'application/json': { readonly schema: z.ZodType } };
}

export interface RouteRequest {
  readonly query?: z.ZodObject;
  readonly params?: z.ZodObject;
  readonly headers?: z.ZodObject;
  readonly body?: RouteBody;
}

export interface RouteResponse {
  readonly description: string;
  readonly headers?: z.ZodObject;
  readonly content?: { readonly [mediaType: string]: { readonly schema: z.ZodType } };
}

export interface RouteConfig {
  readonly method: HttpMethod;
  /** OpenAPI form, `{name}` for path parameters; mounted on Hono as `:name`. */
  readonly path: string;
  readonly tags?: readonly string[];
  readonly summary?: string;
  readonly description?: string;
  readonly security?: ReadonlyArray<Readonly<Record<string, readonly string[]>>>;
  readonly request?: RouteRequest;
  readonly responses: { readonly [status: number]: RouteResponse };
}

/** Identity at runtime; keeps the literal type so handlers get typed input and responses. */
export function defineRoute<R extends RouteConfig>(config: R): R {
  return config;
}

type PartOutput<R, K extends keyof RouteRequest> = R extends {
  request: { [P in K]: infer S extends z.ZodType };
}
  ? z.output<S>
  : undefined;

/** The validated request, as the route's schemas output it (defaults applied, strings coerced). */
export interface RouteInput<R extends RouteConfig> {
  query: PartOutput<R, 'query'>;
  params: PartOutput<R, 'params'>;
  headers: PartOutput<R, 'headers'>;
  body: R extends {
    request: { body: { content: { 'application/json': { schema: infer S extends z.ZodType } } } };
  }
    ? z.output<S>
    : undefined;
}

/** Statuses written as literal keys (the spread-in problem responses only add an index signature). */
type DeclaredStatus<T> = keyof T extends infer K
  ? K extends StatusCode
    ? number extends K
      ? never
      : K
    : never
  : never;

type JsonResult<R extends RouteConfig> = {
  [S in DeclaredStatus<R['responses']>]: R['responses'][S] extends {
    content: { 'application/json': { schema: infer T extends z.ZodType } };
  }
    ? Response & TypedResponse<JSONParsed<z.output<T>>, S, 'json'>
    : never;
}[DeclaredStatus<R['responses']>];

/** A handler answers with one of its route's documented JSON responses, or with a problem. */
export type RouteResult<R extends RouteConfig> = JsonResult<R> | ProblemResponse;

export type RouteHandler<E extends Env, R extends RouteConfig> = (
  c: Context<E>,
  input: RouteInput<R>,
) => RouteResult<R> | Promise<RouteResult<R>>;

/** Answers a request that fails its route's schemas (the app turns it into a 400 problem). */
export type ValidationHook<E extends Env> = (
  c: Context<E>,
  error: z.ZodError,
  part: RequestPart,
) => Response | Promise<Response>;

/** A Hono app plus the routes mounted on it, in order, for the OpenAPI document. */
export interface RouteRegistry<E extends Env> {
  readonly app: Hono<E>;
  readonly routes: RouteConfig[];
  readonly onInvalid: ValidationHook<E>;
}

export function createRouteRegistry<E extends Env>(
  app: Hono<E>,
  onInvalid: ValidationHook<E>,
): RouteRegistry<E> {
  return { app, routes: [], onInvalid };
}

/**
 * The JSON body, or undefined when none was sent (the schema then refuses it). Malformed JSON throws
 * the HTTPException the app's error handler maps to 400 malformed_json, as hono's own validator does.
 */
async function readJsonBody<E extends Env>(c: Context<E>): Promise<unknown> {
  const contentType = c.req.header('content-type');
  if (isJsonContentType(contentType)) {
    try {
      return await c.req.json<unknown>();
    } catch {
      throw new HTTPException(400, { message: 'Malformed JSON in request body' });
    }
  }
  // A body that is not declared JSON is refused whether or not it has a content type; the app's
  // middleware answers most of these earlier, from the Content-Length it sees.
  if (contentType !== undefined || (await c.req.text()).length > 0) {
    throw new HTTPException(415, { message: 'Unsupported Media Type' });
  }
  return undefined;
}

/** `?a=1&a=2` arrives as an array, a single value as a string, as hono's validator shapes it. */
function queryValues<E extends Env>(c: Context<E>): Record<string, string | string[] | undefined> {
  return Object.fromEntries(
    Object.entries(c.req.queries()).map(([name, values]) => [name, values.length === 1 ? values[0] : values]),
  );
}

/** Only the declared headers, looked up case-insensitively. */
function headerValues<E extends Env>(c: Context<E>, schema: z.ZodObject): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = c.req.header(name);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

type Parsed = { ok: true; value: unknown } | { ok: false; response: Response };

async function validatePart<E extends Env>(
  registry: RouteRegistry<E>,
  c: Context<E>,
  part: RequestPart,
  schema: z.ZodType | undefined,
  read: () => unknown,
): Promise<Parsed> {
  if (!schema) return { ok: true, value: undefined };
  const result = schema.safeParse(await read());
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, response: await registry.onInvalid(c, result.error, part) };
}

/**
 * Mounts a route: validates query, path parameters, headers and JSON body against its schemas (in
 * that order, the first failure answering through the registry's hook), then calls the handler with
 * the validated values. The route is also recorded for the OpenAPI document.
 */
export function registerRoute<E extends Env, R extends RouteConfig>(
  registry: RouteRegistry<E>,
  route: R,
  handler: RouteHandler<E, R>,
): void {
  registry.routes.push(route);
  const { query, params, headers, body } = route.request ?? {};
  const honoPath = route.path.replaceAll(/\{([^}]+)\}/g, ':$1');
  registry.app.on(route.method.toUpperCase(), honoPath, async (c) => {
    const parts: Array<[RequestPart, z.ZodType | undefined, () => unknown]> = [
      ['query', query, () => queryValues(c)],
      ['params', params, () => c.req.param()],
      ['headers', headers, () => (headers ? headerValues(c, headers) : {})],
      ['body', body?.content['application/json'].schema, () => readJsonBody(c)],
    ];
    const values: Partial<Record<RequestPart, unknown>> = {};
    for (const [part, schema, read] of parts) {
      const parsed = await validatePart(registry, c, part, schema, read);
      if (!parsed.ok) return parsed.response;
      values[part] = parsed.value;
    }
    // Each value was produced by the schema RouteInput<R> derives its type from.
    return handler(c, values as RouteInput<R>);
  });
}
