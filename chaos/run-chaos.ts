import { rmSync } from 'node:fs';
import { reportAbortedRun } from './aborted-run';
import { convergeAndSettle } from './after-load';
import { settingsOrExit } from './command-line';
import { ControlPlane, PaymentsChaos } from './control-plane';
import { planFaults } from './fault-plan';
import { newTimelineRecord } from './fault-record';
import { errorMessage } from './http';
import { LoadGenerator } from './load-generator';
import { CUSTOMERS, OrderMix } from './order-mix';
import { type RunningPlatform, signIn, startPlatform } from './platform-control';
import { Progress } from './progress';
import { describeFault } from './provider-faults';
import { frozenPids } from './region-faults';
import { RegionReader } from './region-reader';
import { printReport, writeReport, writeSummary } from './report';
import { chaosReport, judgeRun } from './run-report';
import { CHAOS_USAGE, scenarioFromArgs } from './scenario';
import { StatusSampler } from './status-sampler';
import { restockAndSettle } from './stock-setup';
import { runTimeline } from './timeline';
import { twinAcknowledgements } from './twin-keys';
import { verify } from './verify';

/**
 * `npm run chaos`: starts the platform with two regions (or those of --regions) on free ports, puts steady
 * order load on it, kills the serving region, restarts it, partitions the regions (sending one key to two
 * regions directly) and heals them, makes the payment provider fail (killed, 503s, latency past the
 * client timeout, at seeded times) and kills the serving region while its compensations retry in a
 * provider outage, freezes the serving region for a while (unless --skip-freeze), waits for convergence
 * and for every closed order to settle once the provider is back, and checks the invariants. Exits
 * non-zero when any invariant fails. Bounded to five minutes.
 */
const scenario = settingsOrExit(process.argv.slice(2), scenarioFromArgs, CHAOS_USAGE);
const RUN_STARTED_AT = Date.now();
const progress = new Progress();
let platform: RunningPlatform | undefined;
/** What the timeline did so far, and the load once it runs: an aborted run reports from these. */
const record = newTimelineRecord();
let load: LoadGenerator | undefined;
let aborting = false;

async function shutdown(): Promise<void> {
  const running = platform;
  platform = undefined;
  if (running) await running.stop();
}

/** Ends a run that cannot finish: reports what it knows, lets a frozen region run, stops the platform, exits 1. */
async function abort(reason: string): Promise<void> {
  if (aborting) return;
  aborting = true;
  progress.warn(`chaos run aborted: ${reason}`);
  const dataDir = platform?.dataDir;
  reportAbortedRun({ reason, scenario, record, load, progress, dataDir });
  // A frozen region would sit out the launcher's clean shutdown; let it run again first.
  for (const pid of frozenPids) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // Already gone.
    }
  }
  await shutdown().catch(() => undefined);
  if (scenario.summaryFile) writeSummary(scenario.summaryFile, 0, 1);
  if (dataDir) progress.warn(`platform data and logs kept in ${dataDir}`);
  process.exit(1);
}

// The whole run must end within its budget, whatever hangs; leave room to shut the platform down.
setTimeout(() => void abort('over the 5-minute budget'), scenario.totalBudgetMs - 20_000).unref();
process.on('SIGINT', () => void abort('interrupted'));
process.on('SIGTERM', () => void abort('terminated'));

async function main(): Promise<number> {
  const runId = `chaos-${Date.now().toString(36)}`;
  const plan = planFaults(scenario);
  progress.phase(`start the platform: ${scenario.regions.join(', ')} (seed ${scenario.seed}, run ${runId})`);
  progress.info(
    `fault plan: ${plan.providerTrack.map((fault) => `+${(fault.atMs / 1000).toFixed(1)} s ${describeFault(fault)}`).join('; ')}; then 503s for ${(plan.compensationOutage.durationMs / 1000).toFixed(1)} s with a region kill after ${(plan.compensationOutage.killAfterMs / 1000).toFixed(1)} s; ${plan.twins.length} same-key pairs`,
  );
  platform = await startPlatform(scenario.regions);
  platform.onUnexpectedExit((how) => {
    // The launcher stops everything on SIGINT/SIGTERM; this run never sends those before the end.
    void abort(
      `the platform launcher exited on its own (${how}); another process on this machine may have signalled it`,
    );
  });
  const { urls, dataDir } = platform;
  progress.info(`front door ${urls.frontDoor}, control ${urls.control}, data ${dataDir}`);
  const { adminToken, paymentsApiKey, regionKey } = platform.credentials;
  const tokens = Object.fromEntries(
    await Promise.all(CUSTOMERS.map(async (user) => [user, await signIn(urls.frontDoor, user)] as const)),
  );
  const readers = scenario.regions.map(
    (name) => new RegionReader(name, urls.regions[name] ?? '', adminToken, regionKey),
  );

  progress.phase('restock');
  await restockAndSettle({ frontDoor: urls.frontDoor, adminToken, readers, dataDir, progress, ...scenario });

  const startedAt = Date.now();
  const sampler = new StatusSampler(urls.frontDoor, startedAt, adminToken);
  const running = new LoadGenerator({
    frontDoor: urls.frontDoor,
    tokens,
    clients: scenario.clients,
    ordersPerSecond: scenario.ordersPerSecond,
    mix: new OrderMix(scenario.seed, runId, scenario.scarceSku),
  });
  load = running;
  sampler.start();
  running.start();
  const { providerBack } = await runTimeline({
    scenario,
    plan,
    runId,
    control: new ControlPlane(urls.control, adminToken),
    payments: new PaymentsChaos(urls.payments, paymentsApiKey),
    readers,
    tokens,
    load: running,
    sampler,
    progress,
    record,
  });

  progress.phase(`stop the load; clients finish their retries (at most ${scenario.drainMs / 1000} s)`);
  await running.stop(scenario.drainMs);
  const alsoAcknowledged = twinAcknowledgements(record.twins);
  progress.info(
    `${running.acknowledged.length} orders acknowledged (and ${alsoAcknowledged.length} of same-key pairs), ${running.unfinished.length} keys never acknowledged`,
  );

  const acknowledgedIds = new Set(
    [...running.acknowledged, ...alsoAcknowledged].map((order) => order.orderId),
  );
  const after = await convergeAndSettle({
    readers,
    dataDir,
    acknowledged: acknowledgedIds,
    convergenceMs: scenario.convergenceMs,
    providerBack,
    providerFaults: record.providerFaults,
    settleBoundMs: scenario.settleBoundMs,
    // Room left to verify and stop within the budget: a run that cannot settle in time fails, not aborts.
    waitAtMostUntil: RUN_STARTED_AT + scenario.totalBudgetMs - 45_000,
    paymentsUrl: urls.payments,
    paymentsApiKey,
    progress,
  });

  progress.phase('verify the invariants');
  const verdict = await verify({
    readers,
    dataDir,
    paymentsUrl: urls.payments,
    paymentsApiKey,
    load: running,
    alsoAcknowledged,
    restocks: scenario.restocks,
  });
  sampler.stop();
  const finished = { scenario, record, load: running, verdict, after, sampler };
  const judged = judgeRun(finished);

  progress.phase('stop the platform');
  const exits = [...platform.exits];
  await shutdown();

  const report = chaosReport({
    ...finished,
    judged,
    run: { runId, dataDir, phases: progress.phases, exits, alsoAcknowledged },
  });
  printReport(report);
  progress.info(`report written to ${writeReport(report)}`);
  if (scenario.summaryFile)
    writeSummary(scenario.summaryFile, report.invariantsPassed, report.invariantsFailed);
  if (report.passed && !scenario.keepData) rmSync(dataDir, { recursive: true, force: true });
  else progress.info(`platform data and logs kept in ${dataDir}`);
  return report.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => abort(errorMessage(error)),
);
