import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-buckets';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenBuckets', () => {
  it('admits a burst, then refuses with the seconds until the next token, then refills at the rate', () => {
    const time = clock();
    const buckets = new TokenBuckets({ ratePerSecond: 2, burst: 4 }, time.now);
    for (let i = 0; i < 4; i++) expect(buckets.take('a')).toEqual({ admitted: true });
    expect(buckets.take('a')).toEqual({ admitted: false, retryAfterSeconds: 1 });
    time.advance(499);
    expect(buckets.take('a').admitted).toBe(false);
    time.advance(2);
    expect(buckets.take('a').admitted).toBe(true);
    expect(buckets.take('a').admitted).toBe(false);
    // A long pause refills up to the burst, never beyond.
    time.advance(60_000);
    for (let i = 0; i < 4; i++) expect(buckets.take('a').admitted).toBe(true);
    expect(buckets.take('a').admitted).toBe(false);
  });

  it('keeps keys apart: one client emptying its bucket does not touch another', () => {
    const time = clock();
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 2 }, time.now);
    buckets.take('flood');
    buckets.take('flood');
    expect(buckets.take('flood').admitted).toBe(false);
    expect(buckets.take('other').admitted).toBe(true);
  });

  it('says how long to wait when the rate is below one per second', () => {
    const time = clock();
    const buckets = new TokenBuckets({ ratePerSecond: 0.25, burst: 1 }, time.now);
    buckets.take('a');
    expect(buckets.take('a')).toEqual({ admitted: false, retryAfterSeconds: 4 });
  });

  it('holds at most maxKeys keys, forgetting the least recently seen', () => {
    const time = clock();
    const buckets = new TokenBuckets({ ratePerSecond: 1, burst: 1 }, time.now, 3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) buckets.take(key);
    expect(buckets.size).toBe(3);
    // 'e' was seen last: its empty bucket is still there.
    expect(buckets.take('e').admitted).toBe(false);
  });
});
