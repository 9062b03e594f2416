import type { AcknowledgedOrder, LoadGenerator } from './load-generator';
import type { ControlPlane } from './platform-control';
import { type Progress, sleep } from './progress';
import type { ChaosScenario } from './scenario';
import { frontDoorStatus, type StatusSampler } from './status-sampler';

/** Failover time: from a fault to the first 202 through the front door answered by another region. */
export class FailoverClock {
  private fault: { region: string; at: number } | undefined;
  failoverMs: number | null = null;
  answeredBy: string | null = null;

  faultStarted(region: string, at: number): void {
    this.fault = { region, at };
  }

  observe(order: AcknowledgedOrder): void {
    if (!this.fault || this.failoverMs !== null) return;
    if (order.ackAt < this.fault.at || order.answeredBy === this.fault.region) return;
    this.failoverMs = order.ackAt - this.fault.at;
    this.answeredBy = order.answeredBy;
  }
}

/** Region processes currently frozen, so an aborted run can resume them before it shuts down. */
export const frozenPids = new Set<number>();

export interface TimelineResult {
  killedRegion: string;
  restartMs: number | null;
  frozenRegion: string | null;
}

/** Prints what the load looks like every few seconds, so the terminal shows the run is alive. */
function startTicker(load: LoadGenerator, sampler: StatusSampler, progress: Progress): () => void {
  let lastAcked = 0;
  let lastAt = Date.now();
  const timer = setInterval(() => {
    const acked = load.acknowledged.length;
    const rate = ((acked - lastAcked) * 1000) / Math.max(1, Date.now() - lastAt);
    [lastAcked, lastAt] = [acked, Date.now()];
    const sample = sampler.latest();
    const failed = [...load.failures.values()].reduce((sum, n) => sum + n, 0);
    const health = sample
      ? Object.entries(sample.healthy)
          .map(([name, ok]) => `${name}:${ok ? 'up' : 'DOWN'}`)
          .join(' ')
      : 'n/a';
    progress.info(
      `load: ${acked} acked (${rate.toFixed(1)}/s), ${load.pending()} in flight, ${failed} failed attempts; serving ${sample?.serving ?? '?'} [${health}], lag ${sample?.lagMs ?? '?'} ms`,
    );
  }, 5000);
  return () => clearInterval(timer);
}

/**
 * The compressed chaos timeline, under steady load: warm up → SIGKILL the serving region → keep loading
 * → restart it → cut the link between regions → keep loading → heal it.
 */
export async function runTimeline(options: {
  scenario: ChaosScenario;
  frontDoor: string;
  control: ControlPlane;
  load: LoadGenerator;
  sampler: StatusSampler;
  failover: FailoverClock;
  freezeFailover: FailoverClock;
  progress: Progress;
}): Promise<TimelineResult> {
  const { scenario, control, load, progress, failover } = options;
  const stopTicker = startTicker(load, options.sampler, progress);
  try {
    progress.phase(`warm-up: ${scenario.ordersPerSecond} orders/s from ${scenario.clients} clients`);
    await sleep(scenario.warmUpMs);

    const serving = (await frontDoorStatus(options.frontDoor)).serving ?? scenario.regions[0] ?? 'us-east-1';
    progress.phase(`kill -9 the serving region ${serving}`);
    failover.faultStarted(serving, Date.now());
    await control.kill(serving);
    const downUntil = Date.now() + scenario.regionDownMs;
    while (Date.now() < downUntil) {
      await sleep(250);
      if (failover.failoverMs !== null) {
        progress.info(
          `failover: first 202 from ${failover.answeredBy} ${failover.failoverMs} ms after the kill`,
        );
        break;
      }
    }
    await sleep(downUntil - Date.now());
    if (failover.failoverMs === null) progress.warn(`no 202 from another region while ${serving} was down`);

    progress.phase(`restart ${serving}`);
    const restartStarted = Date.now();
    let restartMs: number | null = null;
    try {
      await control.start(serving);
      restartMs = Date.now() - restartStarted;
      progress.info(`${serving} healthy again after ${restartMs} ms`);
    } catch (error) {
      progress.warn(`restart failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    await sleep(scenario.afterRestartMs);

    progress.phase('cut the link between regions');
    await control.cutLink();
    await sleep(scenario.partitionMs);
    progress.phase('heal the link');
    await control.healLink();
    await sleep(scenario.afterHealMs);
    const frozenRegion = scenario.freezeMs > 0 ? await freezeServing(options) : null;
    return { killedRegion: serving, restartMs, frozenRegion };
  } finally {
    stopTicker();
  }
}

/** SIGSTOP the serving region (a long GC pause, a stalled VM), then SIGCONT it: alive, but not answering. */
async function freezeServing(options: {
  scenario: ChaosScenario;
  frontDoor: string;
  control: ControlPlane;
  freezeFailover: FailoverClock;
  progress: Progress;
}): Promise<string | null> {
  const { scenario, progress } = options;
  const serving = (await frontDoorStatus(options.frontDoor)).serving;
  const pid = (await options.control.status()).regions.find((region) => region.name === serving)?.pid;
  if (!serving || !pid) {
    progress.warn('no serving region process to freeze');
    return null;
  }
  progress.phase(
    `freeze the serving region ${serving} (SIGSTOP pid ${pid}) for ${scenario.freezeMs / 1000} s`,
  );
  options.freezeFailover.faultStarted(serving, Date.now());
  frozenPids.add(pid);
  process.kill(pid, 'SIGSTOP');
  await sleep(scenario.freezeMs);
  process.kill(pid, 'SIGCONT');
  frozenPids.delete(pid);
  const failover = options.freezeFailover;
  progress.phase(
    `thaw ${serving} (SIGCONT); ${failover.failoverMs === null ? 'no 202 from another region while frozen' : `first 202 from ${failover.answeredBy} ${failover.failoverMs} ms after the freeze`}`,
  );
  await sleep(scenario.afterThawMs);
  return serving;
}
