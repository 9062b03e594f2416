import type { Context } from 'hono';
import type { Problem } from './problem';

declare const problemBrand: unique symbol;
/** A problem+json response: route handlers may answer with one besides their documented JSON bodies. */
export type ProblemResponse = Response & { readonly [problemBrand]: true };

export function problemResponse(
  c: Context,
  body: Problem,
  headers: Record<string, string> = {},
): ProblemResponse {
  const response: Response = c.body(JSON.stringify(body), body.status as 400, {
    'content-type': 'application/problem+json',
    ...headers,
  });
  // The brand exists only in the type system, so handlers cannot pass off any Response as a problem.
  return response as ProblemResponse;
}
