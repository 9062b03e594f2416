export interface RateLimit {
  /** Tokens added per second: the sustained rate a client may keep up. */
  ratePerSecond: number;
  /** The bucket's size: how many requests may come at once after a quiet spell. */
  burst: number;
}

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * One token bucket per key (a client address, a principal): each request takes a token, tokens come back
 * at `ratePerSecond` up to `burst`. At most `maxKeys` keys are kept (the least recently seen are forgotten
 * first), so a client cycling through many addresses cannot grow it without bound.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1)) throw new RangeError(`invalid rate limit`);
  }

  take(key: string): Admission {
    const now = this.now();
    const previous = this.buckets.get(key);
    const tokens = previous
      ? Math.min(
          this.limit.burst,
          previous.tokens + ((now - previous.updatedAt) / 1000) * this.limit.ratePerSecond,
        )
      : this.limit.burst;
    // Re-inserted, so the map's order is least recently seen first.
    this.buckets.delete(key);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, updatedAt: now });
      this.evict();
      return { admitted: true };
    }
    this.buckets.set(key, { tokens, updatedAt: now });
    return {
      admitted: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.limit.ratePerSecond)),
    };
  }

  get size(): number {
    return this.buckets.size;
  }

  private evict(): void {
    // The least recently seen keys go first (most likely idle, their buckets full again anyway).
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) return;
      this.buckets.delete(key);
    }
  }
}
