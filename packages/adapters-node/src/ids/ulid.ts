import type { Clock, IdSource } from '@meridian/domain';
import { type RandomSource, systemRandom } from '../runtime/random';
import { systemClock } from '../runtime/system-clock';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Random bytes drawn in blocks: one `randomBytes` call per id cost more than the rest of the id. */
const POOL_BYTES = 1000;

/**
 * ULIDs (48-bit time + 80-bit randomness, Crockford base32): unique across processes and regions and
 * sortable by creation time, so index sort keys built from them list newest last. Within one millisecond
 * the random part is incremented, keeping ids from one generator strictly increasing.
 */
export class UlidSource implements IdSource {
  private lastTime = -1;
  private lastRandom: Uint8Array = new Uint8Array(10);
  private readonly pool = new Uint8Array(POOL_BYTES);
  private poolOffset = POOL_BYTES;

  constructor(
    private readonly clock: Clock = systemClock,
    private readonly random: Pick<RandomSource, 'fill'> = systemRandom,
  ) {}

  next(): string {
    const time = Math.max(this.clock.now(), this.lastTime);
    if (time === this.lastTime) {
      this.increment();
    } else {
      this.lastTime = time;
      this.lastRandom = this.freshRandom();
    }
    return encodeTime(time) + encodeRandom(this.lastRandom);
  }

  private freshRandom(): Uint8Array {
    if (this.poolOffset + 10 > POOL_BYTES) {
      this.random.fill(this.pool);
      this.poolOffset = 0;
    }
    // A copy: increment() changes it in place, and the pool's bytes must serve one id only.
    const bytes = this.pool.slice(this.poolOffset, this.poolOffset + 10);
    this.poolOffset += 10;
    return bytes;
  }

  private increment(): void {
    for (let i = this.lastRandom.length - 1; i >= 0; i--) {
      const byte = this.lastRandom[i] ?? 0;
      if (byte < 255) {
        this.lastRandom[i] = byte + 1;
        return;
      }
      this.lastRandom[i] = 0;
    }
    // 2^80 ids in one millisecond: the ULID spec says to fail rather than wrap and break the order.
    throw new Error('ULID random component overflowed within one millisecond');
  }
}

function encodeTime(time: number): string {
  let out = '';
  let rest = time;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** The 80-bit random part as 16 Crockford base32 characters, most significant first. */
export function encodeRandom(bytes: Uint8Array): string {
  // 80 bits as two 40-bit halves: exact in a double, and far cheaper than BigInt arithmetic.
  return encodeForty(bytes, 0) + encodeForty(bytes, 5);
}

function encodeForty(bytes: Uint8Array, start: number): string {
  let value = 0;
  for (let i = start; i < start + 5; i++) value = value * 256 + (bytes[i] ?? 0);
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}
