import type { RetryPolicy } from './types';

/**
 * Exponential backoff with full jitter (uniform in [0, min(maxDelay, base * 2^(n-1))]) after the n-th
 * failed attempt: spreading retries randomly keeps a recovering target from being hit by every retry at once.
 */
export function backoffDelayMs(failedAttempts: number, policy: RetryPolicy, random: () => number): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const unit = Math.min(1, Math.max(0, random()));
  return Math.round(unit * ceiling);
}
