/**
 * The run's event trace: what happened, in order, as readable lines, and a hash over all of it. Two runs
 * of one seed must produce the same hash; a replay keeps the lines to print those leading to a failure.
 */
export class Trace {
  private h1 = 0x811c9dc5;
  private h2 = 0x01000193;
  private count = 0;
  private readonly lines: string[] = [];

  constructor(private readonly keepLines: boolean) {}

  /** One event of the run (the time is the simulated one, in ms since the run began). */
  record(atMs: number, actor: string, text: string): void {
    this.count++;
    this.mixNumber(atMs);
    this.mixText(actor);
    this.mixText(text);
    if (this.keepLines) this.lines.push(`${formatTime(atMs)} ${actor.padEnd(14)} ${text}`);
  }

  /** Folds a number into the hash without a line (the scheduler's every step). */
  mixNumber(value: number): void {
    const low = value | 0;
    const high = Math.floor(value / 4294967296) | 0;
    this.h1 = Math.imul(this.h1 ^ low, 0x01000193) ^ high;
    this.h2 = Math.imul(this.h2 ^ high, 0x5bd1e995) ^ low;
    this.h2 ^= this.h2 >>> 15;
  }

  mixText(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      this.h1 = Math.imul(this.h1 ^ code, 0x01000193);
      this.h2 = Math.imul(this.h2 ^ code, 0x5bd1e995);
    }
    this.h2 ^= this.h2 >>> 13;
  }

  get events(): number {
    return this.count;
  }

  /** The recorded lines (empty unless the trace keeps them). */
  get recorded(): readonly string[] {
    return this.lines;
  }

  hash(): string {
    let a = this.h1 ^ Math.imul(this.h2, 0x27d4eb2d);
    a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
    a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
    a ^= a >>> 16;
    let b = this.h2 ^ Math.imul(this.h1, 0x165667b1);
    b = Math.imul(b ^ (b >>> 15), 0x2c1b3c6d);
    b = Math.imul(b ^ (b >>> 12), 0x297a2d39);
    b ^= b >>> 15;
    return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
  }
}

/** h:mm:ss.mmm of simulated time since the run began. */
export function formatTime(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = Math.floor((total % 60_000) / 1000);
  const millis = total % 1000;
  return `${hours}:${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}.${String(millis).padStart(3, '0')}`;
}
