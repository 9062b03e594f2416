import { type FrontDoorStatus, frontDoorStatusSchema } from '@meridian/contracts';
import { getJson } from './http';

/** One region as the front door reported it; null lags mean the region's status did not answer in time. */
export interface RegionSample {
  healthy: boolean;
  p99LagMs: number | null;
  lastLagMs: number | null;
}

export interface StatusSample {
  atMs: number;
  serving: string | null;
  healthy: Record<string, boolean>;
  regions: Record<string, RegionSample>;
  /**
   * The highest p99 replication lag any region reports (each region's p99 over its own trailing window
   * of applied changes, as the front door relays it); null when no region reported one.
   */
  p99LagMs: number | null;
  /** The highest lag of the most recently applied change, over every region and peer. */
  lastLagMs: number | null;
  conflicts: number;
  outboxDepth: number;
  deadLetters: number;
  /** Orders the regions' closed orders owe together (settlements PENDING); null when a region did not say. */
  owed: number | null;
}

/** The front door's status, an operator route: it needs an admin token. */
export async function frontDoorStatus(frontDoor: string, adminToken: string): Promise<FrontDoorStatus> {
  return getJson(`${frontDoor}/frontdoor/status`, frontDoorStatusSchema, {
    timeoutMs: 2000,
    token: adminToken,
  });
}

/** Reads GET /frontdoor/status every second for the whole run: replication lag, who serves, health. */
export class StatusSampler {
  readonly samples: StatusSample[] = [];
  failedSamples = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    private readonly frontDoor: string,
    private readonly startedAt: number,
    private readonly adminToken: string,
  ) {}

  /** The front door's status now (outside the sampling). */
  read(): Promise<FrontDoorStatus> {
    return frontDoorStatus(this.frontDoor, this.adminToken);
  }

  start(): void {
    this.timer = setInterval(() => void this.sample(), 1000);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  latest(): StatusSample | undefined {
    return this.samples.at(-1);
  }

  /** The highest value of one lag figure over every sample taken (once a second). */
  maxLagMs(figure: 'p99LagMs' | 'lastLagMs'): number | null {
    const lags = this.samples.map((sample) => sample[figure]).filter((lag): lag is number => lag !== null);
    return lags.length > 0 ? Math.max(...lags) : null;
  }

  /** What the regions owed at the first sample taken at or after `at` (epoch ms), if one said. */
  owedAt(at: number): number | null {
    return (
      this.samples.find((sample) => this.startedAt + sample.atMs >= at && sample.owed !== null)?.owed ?? null
    );
  }

  /** The most the regions owed together at any sample. */
  maxOwed(): number {
    return Math.max(0, ...this.samples.map((sample) => sample.owed ?? 0));
  }

  maxDeadLetters(): number {
    return Math.max(0, ...this.samples.map((sample) => sample.deadLetters));
  }

  private async sample(): Promise<void> {
    // A slow answer must not pile up requests on a platform that is already struggling.
    if (this.busy) return;
    this.busy = true;
    try {
      const status = await this.read();
      const highest = (lags: readonly number[]) => (lags.length > 0 ? Math.max(...lags) : null);
      const p99Lags = status.regions.flatMap((region) =>
        region.replicationLagMs === null ? [] : [region.replicationLagMs],
      );
      const lastLags = status.regions.flatMap((region) =>
        (region.replication?.peers ?? []).flatMap((peer) =>
          peer.lagMs.last === undefined ? [] : [peer.lagMs.last],
        ),
      );
      const sum = (pick: (region: FrontDoorStatus['regions'][number]) => number | null | undefined) =>
        status.regions.reduce((total, region) => total + (pick(region) ?? 0), 0);
      this.samples.push({
        atMs: Date.now() - this.startedAt,
        serving: status.serving,
        healthy: Object.fromEntries(status.regions.map((region) => [region.name, region.healthy])),
        regions: Object.fromEntries(
          status.regions.map((region) => {
            const last = (region.replication?.peers ?? []).flatMap((peer) =>
              peer.lagMs.last === undefined ? [] : [peer.lagMs.last],
            );
            const sample: RegionSample = {
              healthy: region.healthy,
              p99LagMs: region.replicationLagMs,
              lastLagMs: last.length > 0 ? Math.max(...last) : null,
            };
            return [region.name, sample];
          }),
        ),
        p99LagMs: highest(p99Lags),
        lastLagMs: highest(lastLags),
        conflicts: sum((region) => region.replication?.conflicts),
        outboxDepth: sum((region) => region.outboxDepth),
        deadLetters: sum((region) => region.deadLetters),
        owed: status.regions.every((region) => region.settlement)
          ? sum((region) => region.settlement?.owed)
          : null,
      });
    } catch {
      this.failedSamples++;
    } finally {
      this.busy = false;
    }
  }
}
