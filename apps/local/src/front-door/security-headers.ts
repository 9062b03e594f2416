import type { ServerResponse } from 'node:http';

/**
 * The Content-Security-Policy of everything the front door serves: the CloudFront response headers
 * policy's (apps/infra/src/constructs/security-headers.ts) without Cognito, which local mode does not
 * use; neither allows inline script or style (the web app has none).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/**
 * Headers on every page and answer, as the CloudFront policy sets them (HSTS aside: local mode is plain
 * HTTP, where browsers ignore it): no framing, no MIME sniffing, no full URLs in Referer to other sites.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Set before anything answers: headers a handler passes to writeHead are merged over these. */
export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
