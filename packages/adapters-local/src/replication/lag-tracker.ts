import { nearestRank } from '@meridian/contracts/percentile';

/** Lags up to this many ms are counted to the millisecond; longer ones in steps of 1/16 of their power of two. */
const EXACT_BELOW = 1024;
const STEPS_PER_DOUBLING = 16;
/** About 24 days: a longer lag is counted as this. */
const LONGEST = 2 ** 31 - 1;
const BUCKETS = EXACT_BELOW + (31 - Math.log2(EXACT_BELOW)) * STEPS_PER_DOUBLING;

function bucketOf(lagMs: number): number {
  const lag = Math.min(Math.max(0, Math.floor(lagMs)), LONGEST);
  if (lag < EXACT_BELOW) return lag;
  const power = Math.floor(Math.log2(lag));
  const step = Math.floor((lag / 2 ** power - 1) * STEPS_PER_DOUBLING);
  return EXACT_BELOW + (power - Math.log2(EXACT_BELOW)) * STEPS_PER_DOUBLING + step;
}

/** The largest lag a bucket counts. */
function upperBoundOf(bucket: number): number {
  if (bucket < EXACT_BELOW) return bucket;
  const above = bucket - EXACT_BELOW;
  const power = Math.log2(EXACT_BELOW) + Math.floor(above / STEPS_PER_DOUBLING);
  const step = above % STEPS_PER_DOUBLING;
  return Math.ceil(2 ** power * (1 + (step + 1) / STEPS_PER_DOUBLING)) - 1;
}

/** The window moves in steps of this many ms. */
const SLOT_MS = 5_000;

interface Slot {
  /** Which SLOT_MS-long stretch of time (time / SLOT_MS) the counts are for. */
  index: number;
  counts: Uint32Array;
  max: number;
}

/**
 * Replication lags (ms) of every change applied in a sliding time window (moving in 5 s steps), so the
 * figures describe the lag now, not a burst long past. Each step of the window keeps a histogram: memory
 * stays fixed however many changes arrive, and none is left out (a ring of the newest samples covered
 * only the last seconds under load). The window is the last 55–60 s. Percentiles are exact below 1,024 ms and within 1/16 of the value
 * above, never above the largest lag of the window, which is exact.
 */
export class LagTracker {
  private readonly slots: Slot[];
  last: number | undefined;

  constructor(private readonly windowMs = 60_000) {
    this.slots = Array.from({ length: Math.ceil(windowMs / SLOT_MS) + 1 }, () => ({
      index: Number.NEGATIVE_INFINITY,
      counts: new Uint32Array(BUCKETS),
      max: 0,
    }));
  }

  record(lagMs: number, at: number): void {
    if (!Number.isFinite(lagMs)) return;
    this.last = lagMs;
    const index = Math.floor(at / SLOT_MS);
    const slot = this.slots[index % this.slots.length] as Slot;
    if (slot.index !== index) {
      slot.index = index;
      slot.counts.fill(0);
      slot.max = 0;
    }
    const bucket = bucketOf(lagMs);
    slot.counts[bucket] = (slot.counts[bucket] as number) + 1;
    slot.max = Math.max(slot.max, lagMs);
  }

  /** The p-th percentile (nearest rank) over the window ending at `now`, or undefined when nothing was applied in it. */
  percentile(p: number, now: number): number | undefined {
    const window = this.window(now);
    const total = window.reduce((sum, slot) => sum + slot.counts.reduce((a, b) => a + b, 0), 0);
    if (total === 0) return undefined;
    const max = Math.max(...window.map((slot) => slot.max));
    const rank = nearestRank(p, total);
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      for (const slot of window) seen += slot.counts[bucket] as number;
      if (seen >= rank) return Math.min(upperBoundOf(bucket), max);
    }
    return max;
  }

  /** The largest lag applied in the window ending at `now`. */
  max(now: number): number | undefined {
    const window = this.window(now).filter((slot) => slot.counts.some((count) => count > 0));
    return window.length === 0 ? undefined : Math.max(...window.map((slot) => slot.max));
  }

  reset(): void {
    for (const slot of this.slots) slot.index = Number.NEGATIVE_INFINITY;
    this.last = undefined;
  }

  private window(now: number): Slot[] {
    const newest = Math.floor(now / SLOT_MS);
    const oldest = Math.floor((now - this.windowMs) / SLOT_MS);
    return this.slots.filter((slot) => slot.index > oldest && slot.index <= newest);
  }
}
