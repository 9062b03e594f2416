export interface RegionTarget {
  name: string;
  url: string;
}

export interface RegionHealth {
  name: string;
  url: string;
  healthy: boolean;
  consecutiveFailures: number;
  lastCheckedAt?: number;
  lastError?: string;
  lastLatencyMs?: number;
}

export interface HealthCheckerOptions {
  regions: readonly RegionTarget[];
  /** How often each region is probed (Route 53 uses 10 or 30 s; locally 1 s). */
  intervalMs: number;
  /** Consecutive failed probes before a region is marked unhealthy. */
  failureThreshold: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  onChange?: (region: RegionHealth) => void;
}

/**
 * Route 53-style health checks: probes each region's /api/v1/health on an interval and flips it
 * unhealthy after `failureThreshold` consecutive failures, healthy again after one success. Probes go
 * straight to the region on their own connections, never queued behind the requests the front door
 * forwards.
 */
export class HealthChecker {
  private readonly state = new Map<string, RegionHealth>();
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;

  constructor(private readonly options: HealthCheckerOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    // Regions start healthy so the first requests are not refused before the first probe completes.
    for (const region of options.regions) {
      this.state.set(region.name, { ...region, healthy: true, consecutiveFailures: 0 });
    }
  }

  start(): void {
    void this.probeAll();
    this.timer = setInterval(() => void this.probeAll(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  snapshot(): RegionHealth[] {
    return [...this.state.values()].map((region) => ({ ...region }));
  }

  isHealthy(name: string): boolean {
    return this.state.get(name)?.healthy ?? false;
  }

  /**
   * A request that could not reach a region (refused, reset) counts as a failed probe, so failover does not
   * wait for the timer.
   */
  reportFailure(name: string, error: string): void {
    this.record(name, false, error);
  }

  /**
   * A request that got no answer in time says little by itself (it may be slow for its own reasons, or
   * sent slow on purpose): it only asks for a probe now, which decides. So slow requests never make a
   * healthy region flap, and a stalled one is found out without waiting for the timer.
   */
  reportTimeout(name: string): void {
    const region = this.options.regions.find((candidate) => candidate.name === name);
    if (region) void this.probe(region);
  }

  async probeAll(): Promise<void> {
    await Promise.all(this.options.regions.map((region) => this.probe(region)));
  }

  private async probe(region: RegionTarget): Promise<void> {
    // One probe per region at a time: timed-out requests cannot pile probes on a region.
    const running = this.running.get(region.name);
    if (running) return running;
    const probe = this.probeOnce(region).finally(() => this.running.delete(region.name));
    this.running.set(region.name, probe);
    return probe;
  }

  private async probeOnce(region: RegionTarget): Promise<void> {
    const started = this.now();
    try {
      const response = await this.fetchImpl(`${region.url}/api/v1/health`, {
        signal: AbortSignal.timeout(this.options.timeoutMs ?? Math.max(250, this.options.intervalMs / 2)),
      });
      await response.body?.cancel();
      this.record(
        region.name,
        response.ok,
        response.ok ? undefined : `HTTP ${response.status}`,
        this.now() - started,
      );
    } catch (error) {
      this.record(region.name, false, error instanceof Error ? error.message : String(error));
    }
  }

  private record(name: string, ok: boolean, error?: string, latencyMs?: number): void {
    const current = this.state.get(name);
    if (!current) return;
    const consecutiveFailures = ok ? 0 : current.consecutiveFailures + 1;
    const healthy = ok ? true : current.healthy && consecutiveFailures < this.options.failureThreshold;
    const next: RegionHealth = {
      ...current,
      healthy,
      consecutiveFailures,
      lastCheckedAt: this.now(),
      ...(error === undefined ? { lastError: undefined } : { lastError: error }),
      ...(latencyMs === undefined ? {} : { lastLatencyMs: latencyMs }),
    };
    this.state.set(name, next);
    if (next.healthy !== current.healthy) this.options.onChange?.(next);
  }
}
