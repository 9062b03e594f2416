import { problemSchema, regionHeaderDescription } from '@meridian/contracts';
import * as z from 'zod';

export const problemContent = { 'application/problem+json': { schema: problemSchema } };

export const regionHeaders = z.object({
  'x-meridian-region': z.string().meta({ description: regionHeaderDescription }),
});

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (malformed JSON, wrong types, unknown fields).',
  401: 'Missing or invalid bearer token.',
  403: 'The caller is not an admin.',
  404: 'Not found (or not yours).',
  409: 'Conflicts with the current state.',
  413: 'Request body too large.',
  415: 'Request body is not JSON.',
  422: 'Well-formed but not acceptable.',
  429: 'Too many requests from this client address or principal (`rate_limited`); nothing was applied, retry after `Retry-After` seconds. Locally the front door answers it as a problem; on AWS, API Gateway throttling answers `{"message":"Too Many Requests"}`.',
  503: 'Temporarily unavailable, nothing was applied: `transient` (a dependency is briefly unavailable; retry after `Retry-After`) or, for a request that changes state, `deadline_exceeded` (it arrived after its `x-meridian-deadline`, once its caller had given up on it).',
};

/** One documented problem response. */
export function problemResponse(status: number) {
  return { description: PROBLEM_DESCRIPTIONS[status] ?? 'Error', content: problemContent };
}

/**
 * Standard problem responses, so every route documents the errors it can answer with. Every route but
 * health reads or writes the store, so 503 is always included; every route is rate limited at the edge,
 * so 429 is too.
 */
export function problemResponses(...statuses: number[]) {
  return Object.fromEntries(
    [...new Set([...statuses, 429, 503])].map((status) => [status, problemResponse(status)]),
  );
}

export const bearerSecurity = [{ bearerAuth: [] }];

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, headers: regionHeaders, content: { 'application/json': { schema } } };
}

/** The validated `?limit=&cursor=` query as the domain's page request. */
export function toPageRequest(query: { limit: number; cursor?: string | undefined }): {
  limit: number;
  cursor?: string;
} {
  return query.cursor ? { limit: query.limit, cursor: query.cursor } : { limit: query.limit };
}
