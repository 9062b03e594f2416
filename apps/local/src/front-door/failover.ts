import type { HealthChecker, RegionTarget } from './health-checker';
import { candidateRegions, HOME_REGION_HEADER, isRetryable, type RoutingPolicy } from './routing-policy';

/** Epoch milliseconds after which the region must refuse the request without effect. */
export const DEADLINE_HEADER = 'x-meridian-deadline';
const RETRY_ON_STATUS = new Set([502, 503, 504]);

/** One try of one region: its answer (any status), or why it gave none. */
export type Attempt<A> =
  | { kind: 'answered'; status: number; answer: A }
  | { kind: 'failed'; reason: string; staleSocket: boolean; timedOut: boolean };

export interface FailoverOptions<A> {
  regions: readonly RegionTarget[];
  policy: RoutingPolicy;
  checker: Pick<HealthChecker, 'isHealthy' | 'reportFailure' | 'reportTimeout'>;
  /** How long one region may take before it counts as failed (and the deadline sent with the attempt). */
  timeoutMs: number;
  now: () => number;
  /** Sends the request to one region with these headers. */
  attempt: (region: RegionTarget, headers: Record<string, string | string[]>) => Promise<Attempt<A>>;
  /** Releases an answer that is not passed on because the next region is tried. */
  discard: (answer: A) => void;
  /** Called before each attempt (tests count where requests went). */
  onForward?: (region: RegionTarget) => void;
}

export type FailoverOutcome<A> =
  | { kind: 'answered'; status: number; answer: A; attempts: number }
  | { kind: 'no-region'; attempts: number; lastFailure: string; retryable: boolean };

/**
 * The front door's routing and failover, apart from any transport: tries the best region and, when it
 * fails and the request may be repeated, the next one. A region that refuses counts as a failed health
 * probe and one that times out is probed at once; a 502/503/504 sends a repeatable request on.
 */
export async function forwardWithFailover<A>(
  request: { method: string; headers: Record<string, string | string[]> },
  options: FailoverOptions<A>,
): Promise<FailoverOutcome<A>> {
  const headers = { ...request.headers };
  const retryable = isRetryable(request.method, (name) => headers[name] !== undefined);
  const homeRegion = headers[HOME_REGION_HEADER];
  const candidates = candidateRegions(
    options.regions,
    options.policy,
    (name) => options.checker.isHealthy(name),
    typeof homeRegion === 'string' ? homeRegion : undefined,
  );
  let attempts = 0;
  let lastFailure = 'no region configured';
  for (const region of candidates) {
    attempts++;
    options.onForward?.(region);
    // The region must not act on this attempt once the front door has given up on it (and may have sent
    // it to another region): a stalled region that wakes up later refuses it instead of duplicating it.
    headers[DEADLINE_HEADER] = String(options.now() + options.timeoutMs);
    let result = await options.attempt(region, headers);
    // Sent again on the same region only when repeating it is harmless: a reset can also come after
    // the region read the request.
    if (result.kind === 'failed' && result.staleSocket && retryable) {
      result = await options.attempt(region, headers);
    }
    if (result.kind === 'failed') {
      lastFailure = `${region.name}: ${result.reason}`;
      // A region that was only slow is probed now, which decides; one that refused counts as a failed probe.
      if (result.timedOut) options.checker.reportTimeout(region.name);
      else options.checker.reportFailure(region.name, lastFailure);
      if (!retryable) break;
      continue;
    }
    if (RETRY_ON_STATUS.has(result.status) && retryable && attempts < candidates.length) {
      options.discard(result.answer);
      lastFailure = `${region.name} answered ${result.status}`;
      continue;
    }
    return { kind: 'answered', status: result.status, answer: result.answer, attempts };
  }
  return { kind: 'no-region', attempts, lastFailure, retryable };
}

/** The 502 problem for a request no region served. */
export function noRegionProblem(outcome: { lastFailure: string; retryable: boolean }): string {
  return JSON.stringify({
    type: 'https://meridian.example/problems/no_region_available',
    title: 'Bad Gateway',
    status: 502,
    code: 'no_region_available',
    detail: outcome.retryable
      ? `No region could serve the request (${outcome.lastFailure}).`
      : `The region failed (${outcome.lastFailure}); the request was not repeated elsewhere because it is not idempotent. Retry it with an Idempotency-Key.`,
  });
}
