import { expect } from 'vitest';
import type { ApiResponse, Problem, TestRegion } from './region-harness';

/** An RFC 9457 problem with the expected status and stable code, answered by the region. */
export function expectProblem(response: ApiResponse<unknown>, status: number, code: string): Problem {
  expect(
    { status: response.status, body: response.body },
    `expected ${status} ${code}, got ${response.status} ${JSON.stringify(response.body)}`,
  ).toMatchObject({ status, body: { status, code } });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.headers.get('x-meridian-region')).toBe('us-east-1');
  const problem = response.body as Problem;
  expect(problem.type).toBe(`https://meridian.example/problems/${code}`);
  expect(problem.title).toEqual(expect.any(String));
  return problem;
}

/** Every item of a paginated admin list, following nextCursor. */
export async function listAll<T>(harness: TestRegion, path: string, token: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const url = `${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await harness.request<{ items: T[]; nextCursor?: string }>(url, { token });
    expect(response.status, `GET ${url}: ${JSON.stringify(response.body)}`).toBe(200);
    items.push(...response.body.items);
    cursor = response.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error(`${path}: more than 100 pages`);
}
