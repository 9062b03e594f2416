import {
  FetchHttpClient,
  type HttpClient,
  systemTimers,
  type TimerHandle,
  type Timers,
} from '@meridian/adapters-node';

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
  /** How probes are sent (default `fetch`). */
  http?: HttpClient;
  fetch?: typeof fetch;
  now?: () => number;
  timers?: Timers;
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
  private timer: TimerHandle | undefined;
  private started = false;
  private readonly http: HttpClient;
  private readonly now: () => number;
  private readonly timers: Timers;

  constructor(private readonly options: HealthCheckerOptions) {
    this.http = options.http ?? new FetchHttpClient(options.fetch ?? fetch);
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? systemTimers;
    // Regions start healthy so the first requests are not refused before the first probe completes.
    for (const region of options.regions) {
      this.state.set(region.name, { ...region, healthy: true, consecutiveFailures: 0 });
    }
  }

  /** Probes now and then every `intervalMs` (a fixed rhythm, like setInterval: a slow probe does not delay the next). */
  start(): void {
    this.started = true;
    const tick = () => {
      if (!this.started) return;
      this.timer = this.timers.setTimeout(tick, this.options.intervalMs);
      void this.probeAll();
    };
    tick();
  }

  stop(): void {
    this.started = false;
    this.timers.clearTimeout(this.timer);
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
      const answer = await this.http.call({
        method: 'GET',
        url: `${region.url}/api/v1/health`,
        timeoutMs: this.options.timeoutMs ?? Math.max(250, this.options.intervalMs / 2),
      });
      const ok = answer.status >= 200 && answer.status < 300;
      this.record(region.name, ok, ok ? undefined : `HTTP ${answer.status}`, this.now() - started);
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
