import { ownerOf } from './convergence';
import type { FaultWindow, LinkSwitch, OutageRead, TimelineRecord } from './fault-record';
import { errorMessage } from './http';
import { firstFailover, linkSwitchProblems } from './invariants-faults';
import type { LoadGenerator } from './load-generator';
import type { ControlPlane, PaymentsChaos } from './platform-control';
import { type Progress, sleep } from './progress';
import type { RegionReader } from './region-reader';
import type { ChaosScenario } from './scenario';
import type { StatusSampler } from './status-sampler';

/** Region processes currently frozen, so an aborted run can resume them before it shuts down. */
export const frozenPids = new Set<number>();

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
      `load: ${acked} acked (${rate.toFixed(1)}/s), ${load.pending()} in flight, ${failed} failed attempts; serving ${sample?.serving ?? '?'} [${health}], lag p99 ${sample?.p99LagMs ?? '?'} ms, last ${sample?.lastLagMs ?? '?'} ms`,
    );
  }, 5000);
  return () => clearInterval(timer);
}

interface TimelineOptions {
  scenario: ChaosScenario;
  frontDoor: string;
  control: ControlPlane;
  payments: PaymentsChaos;
  readers: readonly RegionReader[];
  load: LoadGenerator;
  sampler: StatusSampler;
  progress: Progress;
  /** Filled in as the timeline goes (an aborted run reports what it holds). */
  record: TimelineRecord;
}

/**
 * The compressed chaos timeline, under steady load: warm up (the provider slowed for its last seconds,
 * so sagas are mid-flight) → SIGKILL the serving region → read its orders from the survivors → restart
 * it → cut the link between regions → keep loading → heal it → (freeze the serving region).
 */
export async function runTimeline(options: TimelineOptions): Promise<void> {
  const { scenario, control, load, progress, record } = options;
  const stopTicker = startTicker(load, options.sampler, progress);
  const phase = async (name: string, ms: number) => {
    const from = Date.now();
    await sleep(ms);
    record.windows.push({ name, from, until: Date.now() });
  };
  try {
    progress.phase(`warm-up: ${scenario.ordersPerSecond} orders/s from ${scenario.clients} clients`);
    const warmUpFrom = Date.now();
    await sleep(scenario.warmUpMs - scenario.slowProviderLeadMs);
    const normalLatencyMs = await options.payments.latencyMs();
    progress.info(
      `slow the payment provider to ${scenario.slowProviderLatencyMs} ms per call for the last ${scenario.slowProviderLeadMs / 1000} s before the kill, so sagas are in flight`,
    );
    await options.payments.setLatencyMs(scenario.slowProviderLatencyMs);
    record.slowProvider = { latencyMs: scenario.slowProviderLatencyMs, from: Date.now(), until: null };
    await sleep(scenario.slowProviderLeadMs);
    const serving = (await options.sampler.read()).serving ?? scenario.regions[0] ?? 'us-east-1';
    record.windows.push({ name: 'warm-up', from: warmUpFrom, until: Date.now() });

    progress.phase(`kill -9 the serving region ${serving}`);
    const kill: FaultWindow = {
      region: serving,
      from: Date.now(),
      confirmedAt: null,
      until: null,
      detail: 'no answer yet',
    };
    record.kill = kill;
    try {
      const answer = await control.kill(serving);
      kill.detail = `killed: ${answer.killed}, pid ${answer.pid ?? 'none'}`;
      if (answer.killed && answer.region === serving) kill.confirmedAt = Date.now();
      else progress.warn(`the control server did not kill ${serving} (${kill.detail})`);
    } catch (error) {
      kill.detail = errorMessage(error);
      progress.warn(`kill failed: ${kill.detail}`);
    } finally {
      await options.payments.setLatencyMs(normalLatencyMs);
      if (record.slowProvider) record.slowProvider.until = Date.now();
    }
    const downFrom = Date.now();
    const reads = readDuringOutage(options, kill);
    const downUntil = kill.from + scenario.regionDownMs;
    let reported = false;
    while (Date.now() < downUntil) {
      await sleep(250);
      const first = reported ? null : firstFailover(load.acknowledged, kill, scenario.regions);
      if (first) {
        progress.info(`failover: first 202 from ${first.answeredBy} ${first.ms} ms after the kill`);
        reported = true;
      }
    }
    record.outageReads = await reads;
    for (const read of record.outageReads)
      progress.info(
        read.error
          ? `outage read of ${read.region} failed: ${read.error}`
          : `${read.region} holds ${Object.keys(read.found).length} orders of ${serving} during the outage (${Object.values(read.found).filter((status) => status === 'PENDING').length} PENDING)`,
      );
    if (!reported) progress.warn(`no 202 from another region while ${serving} was down`);

    progress.phase(`restart ${serving}`);
    kill.until = Date.now();
    record.windows.push({ name: 'region down', from: downFrom, until: kill.until });
    try {
      await control.start(serving);
      record.restartedAt = Date.now();
      record.restartMs = record.restartedAt - kill.until;
      progress.info(`${serving} healthy again after ${record.restartMs} ms`);
    } catch (error) {
      progress.warn(`restart failed: ${errorMessage(error)}`);
    }
    await phase('after restart', scenario.afterRestartMs);

    progress.phase('cut the link between regions');
    await switchLink(options, 'cut');
    await phase('link cut', scenario.partitionMs);
    progress.phase('heal the link');
    await switchLink(options, 'heal');
    await phase('link healed', scenario.afterHealMs);
    if (scenario.freezeMs > 0) await freezeServing(options);
  } finally {
    stopTicker();
  }
}

/** Cuts or heals the link and checks what every region reports; problems are recorded, not thrown. */
async function switchLink(options: TimelineOptions, action: 'cut' | 'heal'): Promise<void> {
  const { control, progress, readers } = options;
  const entry: LinkSwitch = { action, expected: action === 'cut' ? 'cut' : 'up', readBack: {} };
  options.record.links.push(entry);
  try {
    entry.answer = action === 'cut' ? await control.cutLink() : await control.healLink();
  } catch (error) {
    entry.error = errorMessage(error);
  }
  await Promise.all(
    readers.map(async (reader) => {
      try {
        entry.readBack[reader.region] = (await reader.status()).link;
      } catch (error) {
        entry.readBack[reader.region] = `unreadable: ${errorMessage(error)}`;
      }
    }),
  );
  const refused = linkSwitchProblems(
    readers.map((reader) => reader.region),
    entry,
  );
  if (refused.length > 0)
    progress.warn(`link ${action} did not take effect everywhere: ${refused.join('; ')}`);
  else progress.info(`link ${action}: every region reports ${entry.expected}`);
}

/**
 * While the killed region is down, each surviving region is asked for the killed region's orders (its
 * admin listing; an acknowledged order the listing lacks is looked up by id), as replicated.
 */
async function readDuringOutage(options: TimelineOptions, kill: FaultWindow): Promise<OutageRead[]> {
  const survivors = options.readers.filter((reader) => reader.region !== kill.region);
  return Promise.all(
    survivors.map(async (reader) => {
      const read: OutageRead = { region: reader.region, startedAt: Date.now(), finishedAt: 0, found: {} };
      try {
        for (const order of (await reader.orders()).values())
          if (ownerOf(order.orderId) === kill.region) read.found[order.orderId] = order.status;
        const acknowledgedBefore = options.load.acknowledged.filter(
          (ack) =>
            ack.ackAt < kill.from && ownerOf(ack.orderId) === kill.region && !(ack.orderId in read.found),
        );
        for (const ack of acknowledgedBefore) {
          const order = await reader.order(ack.orderId);
          if (order) read.found[order.orderId] = order.status;
        }
      } catch (error) {
        read.error = errorMessage(error);
      }
      read.finishedAt = Date.now();
      return read;
    }),
  );
}

/** SIGSTOP the serving region (a long GC pause, a stalled VM), then SIGCONT it: alive, but not answering. */
async function freezeServing(options: TimelineOptions): Promise<void> {
  const { scenario, progress, record } = options;
  const serving = (await options.sampler.read()).serving;
  const pid = (await options.control.status()).regions.find((region) => region.name === serving)?.pid;
  if (!serving || !pid) {
    progress.warn('no serving region process to freeze');
    record.freeze = {
      region: serving ?? 'none',
      from: Date.now(),
      confirmedAt: null,
      until: null,
      detail: `no serving region process to freeze (serving ${serving ?? 'none'}, pid ${pid ?? 'none'})`,
    };
    return;
  }
  progress.phase(
    `freeze the serving region ${serving} (SIGSTOP pid ${pid}) for ${scenario.freezeMs / 1000} s`,
  );
  const freeze: FaultWindow = {
    region: serving,
    from: Date.now(),
    confirmedAt: null,
    until: null,
    detail: '',
  };
  record.freeze = freeze;
  frozenPids.add(pid);
  process.kill(pid, 'SIGSTOP');
  freeze.confirmedAt = Date.now();
  freeze.detail = `SIGSTOP sent to pid ${pid}`;
  await sleep(scenario.freezeMs);
  process.kill(pid, 'SIGCONT');
  freeze.until = Date.now();
  frozenPids.delete(pid);
  const first = firstFailover(options.load.acknowledged, freeze, scenario.regions);
  progress.phase(
    `thaw ${serving} (SIGCONT); ${first === null ? 'no 202 from another region while frozen' : `first 202 from ${first.answeredBy} ${first.ms} ms after the freeze`}`,
  );
  await sleep(scenario.afterThawMs);
}
