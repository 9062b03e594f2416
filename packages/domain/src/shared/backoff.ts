/** How long a retried piece of work waits: doubling from `baseDelayMs`, never more than `maxDelayMs`. */
export interface BackoffPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The wait before the next try after `attempts` failed tries (capped exponential backoff, no jitter). */
export function backoffDelayMs(attempts: number, policy: BackoffPolicy): number {
  const doubled = policy.baseDelayMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(doubled, policy.maxDelayMs);
}
