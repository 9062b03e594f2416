import { randomBytes } from 'node:crypto';
import type { Clock, IdSource } from '@meridian/domain';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * ULIDs (48-bit time + 80-bit randomness, Crockford base32): unique across processes and regions and
 * sortable by creation time, so index sort keys built from them list newest last. Within one millisecond
 * the random part is incremented, keeping ids from one generator strictly increasing.
 */
export class UlidSource implements IdSource {
  private lastTime = -1;
  private lastRandom = new Uint8Array(10);

  constructor(private readonly clock: Clock = { now: () => Date.now() }) {}

  next(): string {
    const time = Math.max(this.clock.now(), this.lastTime);
    if (time === this.lastTime) {
      this.increment();
    } else {
      this.lastTime = time;
      this.lastRandom = new Uint8Array(randomBytes(10));
    }
    return encodeTime(time) + encodeRandom(this.lastRandom);
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

function encodeRandom(bytes: Uint8Array): string {
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}
