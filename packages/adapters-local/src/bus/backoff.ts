import { backoffDelayMs as backoffCeilingMs } from '@meridian/domain';
import type { RetryPolicy } from './types';

/**
 * Exponential backoff with full jitter (uniform in [0, min(maxDelay, base * 2^(n-1))]) after the n-th
 * failed attempt: spreading retries randomly keeps a recovering target from being hit by every retry at
 * once. The ceiling is the domain's capped doubling, the one backoff rule of the code base.
 */
export function backoffDelayMs(failedAttempts: number, policy: RetryPolicy, random: () => number): number {
  const unit = Math.min(1, Math.max(0, random()));
  return Math.round(unit * backoffCeilingMs(failedAttempts, policy));
}
