import { expect } from 'vitest';
import type { RawResponse } from './raw-http';

/** What every answer of the front door must carry, whatever it answers. */
export function expectSecurityHeaders(response: RawResponse, what: string): void {
  const csp = response.headers['content-security-policy'] ?? '';
  expect(csp, what).toContain("default-src 'self'");
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).not.toContain('unsafe-inline');
  expect(response.headers['x-content-type-options'], what).toBe('nosniff');
  expect(response.headers['x-frame-options'], what).toBe('DENY');
  expect(response.headers['referrer-policy'], what).toBe('strict-origin-when-cross-origin');
  expect(response.headers['access-control-allow-origin'], what).toBeUndefined();
}

export function expectProblem(response: RawResponse, what: string): void {
  expect(response.headers['content-type'], what).toBe('application/problem+json');
  expect(response.json, what).toMatchObject({ status: response.status, code: expect.any(String) });
}
