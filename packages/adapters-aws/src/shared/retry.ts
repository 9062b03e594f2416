/** Waits between retries; injected so tests run without real time passing. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Exponential backoff with full jitter (the AWS Architecture Blog recommendation): spreads the retries
 * of many concurrent Lambda invocations instead of synchronising them on the same instants.
 */
export function backoffDelay(attempt: number, baseMs = 50, capMs = 2_000): number {
  return Math.floor(Math.random() * Math.min(capMs, baseMs * 2 ** attempt));
}
