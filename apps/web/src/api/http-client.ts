import { networkProblem, ProblemError, problemFromBody } from './problem';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string | undefined;
  idempotencyKey?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  /** `x-meridian-region`: which region answered (absent for front-door-only routes). */
  region: string | undefined;
}

type RegionListener = (region: string) => void;
const regionListeners = new Set<RegionListener>();
let unauthorizedHandler: (() => void) | undefined;

/** Lets the header show which region served the last answer, whatever page asked. */
export function onRegionAnswered(listener: RegionListener): () => void {
  regionListeners.add(listener);
  return () => regionListeners.delete(listener);
}

/** Called when a request that carried a token is refused with 401: the session has expired or was revoked. */
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  unauthorizedHandler = handler;
}

async function readBody(response: Response): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  if (response.status === 204) return undefined;
  if (type.includes('json')) return response.json().catch(() => undefined);
  await response.body?.cancel();
  return undefined;
}

/** Sends a JSON request to the API or the front door; non-2xx answers throw a ProblemError. */
export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw networkProblem(error);
  }
  const region = response.headers.get('x-meridian-region') ?? undefined;
  if (region) for (const listener of regionListeners) listener(region);
  const body = await readBody(response);
  if (!response.ok) {
    if (response.status === 401 && options.token) unauthorizedHandler?.();
    throw problemFromBody(response.status, response.statusText, body);
  }
  // A 2xx that is not JSON is an HTML fallback page (an unknown route served index.html): not our API.
  if (body === undefined && response.status !== 204 && response.status !== 202) {
    throw new ProblemError({
      status: 404,
      code: 'http_404',
      title: 'Not Found',
      detail: `${path} is not an API.`,
    });
  }
  return { data: body as T, status: response.status, region };
}

/** Reads every page of a cursor-paginated list (catalogs and dashboards are small; the API caps a page at 100). */
export async function readAllPages<T>(
  path: string,
  options: RequestOptions & { maxPages?: number } = {},
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  const maxPages = options.maxPages ?? 20;
  for (let page = 0; page < maxPages; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const url = `${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const { data } = await requestJson<{ items: T[]; nextCursor?: string }>(url, options);
    items.push(...data.items);
    if (!data.nextCursor) break;
    cursor = data.nextCursor;
  }
  return items;
}
