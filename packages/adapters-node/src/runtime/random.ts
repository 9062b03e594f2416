import { randomFillSync } from 'node:crypto';

/**
 * Randomness the local adapters draw: jitter and ids. Injected so a simulation draws it from its seed
 * and a run can be replayed exactly.
 */
export interface RandomSource {
  /** A number in [0, 1). */
  float(): number;
  /** Fills `bytes` with random bytes. */
  fill(bytes: Uint8Array): void;
}

export const systemRandom: RandomSource = {
  float: () => Math.random(),
  fill: (bytes) => {
    randomFillSync(bytes);
  },
};
