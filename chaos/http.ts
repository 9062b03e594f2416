import * as z from 'zod';

/** A non-2xx answer where one was required, with enough of the body to tell what went wrong. */
export class HttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${url} answered ${status}: ${body.slice(0, 300)}`);
  }
}

export interface RequestOptions {
  token?: string;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

function headersFor(options: RequestOptions, json: boolean): Record<string, string> {
  return {
    ...(json ? { 'content-type': 'application/json' } : {}),
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...options.headers,
  };
}

/** GETs JSON and validates it, so a platform answer of the wrong shape fails loudly, not as a wrong count. */
export async function getJson<S extends z.ZodType>(
  url: string,
  schema: S,
  options: RequestOptions = {},
): Promise<z.output<S>> {
  const response = await fetch(url, {
    headers: headersFor(options, false),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new HttpError(url, response.status, text);
  return schema.parse(JSON.parse(text));
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** POSTs JSON and returns whatever came back; the caller decides what counts as success. */
export function postJson(url: string, body: unknown, options: RequestOptions = {}): Promise<RawResponse> {
  return sendJson('POST', url, body, options);
}

/** Sends a JSON body with any method and returns whatever came back. */
export async function sendJson(
  method: 'POST' | 'PUT',
  url: string,
  body: unknown,
  options: RequestOptions = {},
): Promise<RawResponse> {
  const response = await fetch(url, {
    method,
    headers: headersFor(options, true),
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Follows Meridian's `?limit=100&cursor=` pagination to the end (bounded, in case a cursor loops). */
export async function fetchAllPages<S extends z.ZodType>(
  baseUrl: string,
  itemSchema: S,
  options: RequestOptions & { maxPages?: number } = {},
): Promise<Array<z.output<S>>> {
  const pageSchema = z.object({ items: z.array(itemSchema), nextCursor: z.string().optional() });
  const items: Array<z.output<S>> = [];
  let cursor: string | undefined;
  for (let page = 0; page < (options.maxPages ?? 1000); page++) {
    const separator = baseUrl.includes('?') ? '&' : '?';
    const url = `${baseUrl}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const body = await getJson(url, pageSchema, options);
    items.push(...body.items);
    if (!body.nextCursor) return items;
    cursor = body.nextCursor;
  }
  throw new Error(`${baseUrl}: more than ${options.maxPages ?? 1000} pages`);
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
