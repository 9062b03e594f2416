import type { ControlPlane, PaymentsChaos } from './control-plane';
import type { FaultPlan } from './fault-plan';
import type { TimelineRecord } from './fault-record';
import { errorMessage } from './http';
import { firstFailover } from './invariants-faults';
import type { LoadGenerator } from './load-generator';
import { type Progress, sleep } from './progress';
import { ProviderFaults, runProviderTrack } from './provider-faults';
import {
  freezeServing,
  killRegion,
  readDuringOutage,
  restartRegion,
  servingRegion,
  switchLink,
} from './region-faults';
import type { RegionReader } from './region-reader';
import type { ChaosScenario } from './scenario';
import type { StatusSampler } from './status-sampler';
import { sendTwinPairs } from './twin-keys';

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
  plan: FaultPlan;
  runId: string;
  control: ControlPlane;
  payments: PaymentsChaos;
  readers: readonly RegionReader[];
  /** Customer tokens, for the same-key pairs sent to the regions directly. */
  tokens: Record<string, string>;
  load: LoadGenerator;
  sampler: StatusSampler;
  progress: Progress;
  /** Filled in as the timeline goes (an aborted run reports what it holds). */
  record: TimelineRecord;
}

/**
 * The compressed chaos timeline, under steady load: warm up (the provider slowed for its last seconds,
 * so sagas are mid-flight) → SIGKILL the serving region → read its orders from the survivors → restart
 * it → cut the link between regions, sending same-key pairs to two regions directly → the compensation
 * outage: the provider answers 503, the link heals in it (the regions decide the pairs' keys while no
 * refund can be made), and while the serving region's compensations retry it is killed and restarted →
 * (freeze the serving region). From the first kill on, the provider track runs
 * beside it: a kill -9 of the payment simulator, a 503 burst and latency past the client timeout, at
 * seeded times. Resolves when the load phases are over, with a promise of the moment the provider is
 * back for good (the compensation outage may outlast the load).
 */
export async function runTimeline(options: TimelineOptions): Promise<{ providerBack: Promise<void> }> {
  const { scenario, plan, control, load, progress, record } = options;
  const stopTicker = startTicker(load, options.sampler, progress);
  const faults = new ProviderFaults(control, options.payments, progress);
  record.plan = plan;
  record.providerFaults = faults.records;
  let providerTrack: Promise<void> = Promise.resolve();
  let outageEnd: Promise<void> = Promise.resolve();
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
    const serving = await servingRegion(options);
    record.windows.push({ name: 'warm-up', from: warmUpFrom, until: Date.now() });

    progress.phase(`kill -9 the serving region ${serving}`);
    const kill = await killRegion(options, serving);
    record.kill = kill;
    await options.payments.setLatencyMs(normalLatencyMs);
    if (record.slowProvider) record.slowProvider.until = Date.now();
    providerTrack = runProviderTrack(faults, plan.providerTrack, Date.now()).catch((error: unknown) =>
      progress.warn(`provider track failed: ${errorMessage(error)}`),
    );
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
    record.restartedAt = await restartRegion(options, kill);
    record.windows.push({ name: 'region down', from: downFrom, until: kill.until ?? Date.now() });
    if (record.restartedAt !== null && kill.until !== null)
      record.restartMs = record.restartedAt - kill.until;
    await phase('after restart', scenario.afterRestartMs);

    progress.phase('cut the link between regions');
    const cutFrom = Date.now();
    await switchLink(options, 'cut');
    const twins = sendTwinPairs({
      plan: plan.twins,
      cutAt: cutFrom,
      runId: options.runId,
      readers: options.readers,
      tokens: options.tokens,
      twinSku: scenario.twinSku,
      twinStockRegion: scenario.twinStockRegion,
      progress,
      record: record.twins,
      shipBy: cutFrom + scenario.partitionMs,
    }).catch((error: unknown) => progress.warn(`same-key pairs failed: ${errorMessage(error)}`));
    await sleep(scenario.partitionMs);
    await twins;
    progress.info('the provider track finishes before the compensation outage');
    await providerTrack;
    outageEnd = (await compensationOutage(options, faults, cutFrom)).ended;
    if (scenario.freezeMs > 0) await freezeServing(options);
  } finally {
    stopTicker();
  }
  return { providerBack: Promise.all([providerTrack, outageEnd]).then(() => undefined) };
}

/**
 * The provider answers 503 to every call for the planned time, and the link cut at `cutFrom` heals as it
 * begins, so the regions decide the keys both accepted (cancelling and refunding a confirmed twin) while
 * no refund can be made. A while into it, when the serving region's sagas are compensating and their
 * compensations retrying, that region is killed -9, kept down, and restarted (into the outage or after
 * it, as the plan's times fall). Returns once the region is back and the phase after it is over, with the
 * outage's end (a promise: it may outlast the load).
 */
async function compensationOutage(
  options: TimelineOptions,
  faults: ProviderFaults,
  cutFrom: number,
): Promise<{ ended: Promise<void> }> {
  const { scenario, plan, progress, record } = options;
  const { durationMs, killAfterMs } = plan.compensationOutage;
  // As before the first kill: slowed calls keep many sagas between authorization and capture, so the
  // outage fails their captures and their compensations (the void) must retry.
  progress.info(
    `slow the payment provider to ${scenario.slowProviderLatencyMs} ms per call for ${scenario.slowProviderLeadMs / 1000} s, so many sagas hold an authorization when the outage begins`,
  );
  await options.payments.setLatencyMs(scenario.slowProviderLatencyMs);
  await sleep(scenario.slowProviderLeadMs);
  const outage = await faults.begin({ kind: 'errors', durationMs }, 'compensation outage');
  progress.phase('heal the link, in the provider outage');
  await switchLink(options, 'heal');
  const healedAt = Date.now();
  record.windows.push({ name: 'link cut', from: cutFrom, until: healedAt });
  const outageEnd = sleep(Math.max(0, outage.from + durationMs - Date.now())).then(() => faults.end(outage));
  await sleep(Math.max(0, outage.from + killAfterMs - Date.now()));
  const serving = await servingRegion(options);
  const reader = options.readers.find((candidate) => candidate.region === serving);
  record.owedAtCompensationKill = await (reader?.status().then(
    (status) => status.settlement?.owed ?? null,
    () => null,
  ) ?? null);
  progress.phase(
    `kill -9 the serving region ${serving} ${killAfterMs} ms into the outage, while its compensations retry (${record.owedAtCompensationKill ?? '?'} orders owed)`,
  );
  record.windows.push({ name: 'link healed, provider outage', from: healedAt, until: Date.now() });
  const kill = await killRegion(options, serving);
  record.compensationKill = kill;
  const downFrom = Date.now();
  await sleep(Math.max(0, kill.from + scenario.compensationKillDownMs - Date.now()));
  progress.phase(`restart ${serving} (the provider is ${outage.until === null ? 'still down' : 'back'})`);
  await restartRegion(options, kill);
  record.windows.push({
    name: 'region down in the compensation outage',
    from: downFrom,
    until: kill.until ?? Date.now(),
  });
  const from = Date.now();
  await sleep(scenario.afterCompensationRestartMs);
  record.windows.push({ name: 'after the compensation restart', from, until: Date.now() });
  return { ended: outageEnd };
}
