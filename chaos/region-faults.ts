import type { ControlPlane } from './control-plane';
import { ownerOf } from './convergence';
import type { FaultWindow, LinkSwitch, OutageRead, TimelineRecord } from './fault-record';
import { errorMessage } from './http';
import { firstFailover, linkSwitchProblems } from './invariants-faults';
import type { LoadGenerator } from './load-generator';
import { type Progress, sleep } from './progress';
import type { RegionReader } from './region-reader';
import type { ChaosScenario } from './scenario';
import type { StatusSampler } from './status-sampler';

/** Region processes currently frozen, so an aborted run can resume them before it shuts down. */
export const frozenPids = new Set<number>();

/** What the region faults need: the control server, the regions, the load (to find failovers). */
export interface RegionFaultOptions {
  scenario: ChaosScenario;
  control: ControlPlane;
  readers: readonly RegionReader[];
  load: LoadGenerator;
  sampler: StatusSampler;
  progress: Progress;
  record: TimelineRecord;
}

/** The region the front door sends clients to now (the first region if the status cannot tell). */
export async function servingRegion(options: RegionFaultOptions): Promise<string> {
  const serving = await options.sampler.read().then(
    (status) => status.serving,
    () => null,
  );
  return serving ?? options.scenario.regions[0] ?? 'us-east-1';
}

/** SIGKILL a region through the control server; the window says whether the kill was confirmed. */
export async function killRegion(options: RegionFaultOptions, region: string): Promise<FaultWindow> {
  const kill: FaultWindow = {
    region,
    from: Date.now(),
    confirmedAt: null,
    until: null,
    detail: 'no answer yet',
  };
  try {
    const answer = await options.control.kill(region);
    kill.detail = `killed: ${answer.killed}, pid ${answer.pid ?? 'none'}`;
    if (answer.killed && answer.region === region) kill.confirmedAt = Date.now();
    else options.progress.warn(`the control server did not kill ${region} (${kill.detail})`);
  } catch (error) {
    kill.detail = errorMessage(error);
    options.progress.warn(`kill failed: ${kill.detail}`);
  }
  return kill;
}

/**
 * Restarts a killed region (the control server waits until it is healthy) and closes its window;
 * returns when it answered again, or null when the restart failed.
 */
export async function restartRegion(options: RegionFaultOptions, kill: FaultWindow): Promise<number | null> {
  kill.until = Date.now();
  try {
    await options.control.start(kill.region);
    const at = Date.now();
    options.progress.info(`${kill.region} healthy again after ${at - kill.until} ms`);
    return at;
  } catch (error) {
    options.progress.warn(`restart failed: ${errorMessage(error)}`);
    return null;
  }
}

/** Cuts or heals the link and checks what every region reports; problems are recorded, not thrown. */
export async function switchLink(options: RegionFaultOptions, action: 'cut' | 'heal'): Promise<void> {
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
export async function readDuringOutage(
  options: RegionFaultOptions,
  kill: FaultWindow,
): Promise<OutageRead[]> {
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
export async function freezeServing(options: RegionFaultOptions): Promise<void> {
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
