import type { HealthChecker, RegionTarget } from './health-checker';
import { candidateRegions, HOME_REGION_HEADER, isRetryable, type RoutingPolicy } from './routing-policy';

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'upgrade'];
const RETRY_ON_STATUS = new Set([502, 503, 504]);
/** Epoch milliseconds after which the region must refuse the request without effect. */
export const DEADLINE_HEADER = 'x-meridian-deadline';

export interface ProxyOptions {
  regions: readonly RegionTarget[];
  policy: RoutingPolicy;
  checker: HealthChecker;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * Forwards an API request to the best region and, when that region fails and the request may be
 * repeated, to the next one. The answer says who served it (`x-meridian-region`, set by the region)
 * and how many regions were tried (`x-meridian-attempts`).
 */
export async function proxyToRegion(request: Request, options: ProxyOptions): Promise<Response> {
  const fetchImpl = options.fetch ?? fetch;
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await request.arrayBuffer();
  const retryable = isRetryable(request.method, request.headers);
  const candidates = candidateRegions(
    options.regions,
    options.policy,
    (name) => options.checker.isHealthy(name),
    request.headers.get(HOME_REGION_HEADER) ?? undefined,
  );

  let attempts = 0;
  let lastFailure = 'no region configured';
  for (const region of candidates) {
    attempts++;
    // The region must not act on this attempt once the front door has given up on it (and may have sent
    // it to another region): a stalled region that wakes up later refuses it instead of duplicating it.
    headers.set(DEADLINE_HEADER, String(Date.now() + options.timeoutMs));
    try {
      const response = await fetchImpl(`${region.url}${url.pathname}${url.search}`, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const last = attempts === candidates.length;
      if (RETRY_ON_STATUS.has(response.status) && retryable && !last) {
        await response.body?.cancel();
        lastFailure = `${region.name} answered ${response.status}`;
        continue;
      }
      const outgoing = new Headers(response.headers);
      for (const name of HOP_BY_HOP) outgoing.delete(name);
      outgoing.set('x-meridian-attempts', String(attempts));
      return new Response(response.body, { status: response.status, headers: outgoing });
    } catch (error) {
      lastFailure = `${region.name}: ${error instanceof Error ? error.message : String(error)}`;
      options.checker.reportFailure(region.name, lastFailure);
      if (!retryable) break;
    }
  }
  const problem = {
    type: 'https://meridian.example/problems/no_region_available',
    title: 'Bad Gateway',
    status: 502,
    code: 'no_region_available',
    detail: retryable
      ? `No region could serve the request (${lastFailure}).`
      : `The region failed (${lastFailure}); the request was not repeated elsewhere because it is not idempotent. Retry it with an Idempotency-Key.`,
  };
  return new Response(JSON.stringify(problem), {
    status: 502,
    headers: { 'content-type': 'application/problem+json', 'x-meridian-attempts': String(attempts) },
  });
}
