import type { FrontDoorProblem } from './http-problem';
import { type Admission, TokenBuckets } from './token-buckets';

export interface ClientLimitSettings {
  /** Requests per second one client address may send (its bucket holds two seconds' worth). */
  perAddressPerSecond: number;
  /** Requests per second one signed-in principal may send, from any address (two seconds' worth). */
  perPrincipalPerSecond: number;
  /** Live event streams one principal may hold open at once. */
  eventStreamsPerPrincipal: number;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimitSettings = {
  perAddressPerSecond: 100,
  perPrincipalPerSecond: 50,
  eventStreamsPerPrincipal: 4,
};

/** The answer to a client over its rate: 429, with when to try again in Retry-After. */
export function tooManyRequests(
  admission: Extract<Admission, { admitted: false }>,
  who: string,
): { problem: FrontDoorProblem; headers: Record<string, string> } {
  return {
    problem: {
      status: 429,
      code: 'rate_limited',
      detail: `Too many requests from this ${who}; retry after ${admission.retryAfterSeconds} s.`,
    },
    headers: { 'retry-after': String(admission.retryAfterSeconds) },
  };
}

/**
 * What one client may use at the front door: a token bucket per address and per principal (what API
 * Gateway's throttling and a WAF rate-based rule do on AWS), and a cap on live event streams.
 */
export class ClientLimits {
  private readonly addresses: TokenBuckets;
  private readonly principals: TokenBuckets;
  private readonly streams = new Map<string, number>();

  constructor(
    private readonly settings: ClientLimitSettings = DEFAULT_CLIENT_LIMITS,
    now: () => number = Date.now,
  ) {
    const bucket = (perSecond: number) => ({ ratePerSecond: perSecond, burst: Math.max(1, perSecond * 2) });
    this.addresses = new TokenBuckets(bucket(settings.perAddressPerSecond), now);
    this.principals = new TokenBuckets(bucket(settings.perPrincipalPerSecond), now);
  }

  admitAddress(address: string): Admission {
    return this.addresses.take(address);
  }

  admitPrincipal(subject: string): Admission {
    return this.principals.take(subject);
  }

  /** Counts a stream opened by `subject`; undefined when it already holds its share. */
  openStream(subject: string): (() => void) | undefined {
    const open = this.streams.get(subject) ?? 0;
    if (open >= this.settings.eventStreamsPerPrincipal) return undefined;
    this.streams.set(subject, open + 1);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const left = (this.streams.get(subject) ?? 1) - 1;
      if (left > 0) this.streams.set(subject, left);
      else this.streams.delete(subject);
    };
  }

  get eventStreamsPerPrincipal(): number {
    return this.settings.eventStreamsPerPrincipal;
  }
}

/** The client's address as one key: an IPv4 address mapped into IPv6 counts as the IPv4 address. */
export function clientAddress(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  return remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
}
