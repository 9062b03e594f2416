/**
 * Polls a URL until it answers 2xx, or throws after the timeout naming what it waited for. Stops early,
 * throwing, when `signal` aborts (the caller knows it will never become healthy).
 */
export async function waitForHealthy(
  url: string,
  what: string,
  timeoutMs = 60_000,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new Error(`stopped waiting for ${what} at ${url} (${lastError})`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${what} did not become healthy at ${url} within ${timeoutMs} ms (${lastError})`);
}
