import { rmSync } from 'node:fs';
import { convergeAndSettle } from './after-load';
import { ControlPlane, PaymentsChaos } from './control-plane';
import { planFaults } from './fault-plan';
import { newTimelineRecord } from './fault-record';
import { faultRows, providerFaultLengths, timelineFacts } from './fault-rows';
import { errorMessage } from './http';
import type { InvariantResult } from './invariant';
import { checkCompensationKill, checkTimeToSettle } from './invariants-compensation';
import { checkInFlightAtKill, checkLoad } from './invariants-faults';
import { checkTwinPairs } from './invariants-provider';
import { LoadGenerator } from './load-generator';
import { CUSTOMERS, OrderMix } from './order-mix';
import { type RunningPlatform, signIn, startPlatform } from './platform-control';
import { Progress } from './progress';
import { describeFault } from './provider-faults';
import { frozenPids } from './region-faults';
import { RegionReader } from './region-reader';
import { type ChaosReport, printAbortReport, printReport, writeReport, writeSummary } from './report';
import { scenarioFromArgs } from './scenario';
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
const scenario = scenarioFromArgs(process.argv.slice(2));
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

/** The fault rows that can already be judged from the timeline record (for an aborted run). */
function rowsJudgedSoFar(): InvariantResult[] {
  return faultRows({ scenario, record, acknowledged: load?.acknowledged ?? [], soFar: true }).rows;
}

/** A run that cannot finish still reports what it knows (phase, reason, load so far) and one failed invariant, so CI counts it. */
async function abort(reason: string): Promise<void> {
  if (aborting) return;
  aborting = true;
  progress.warn(`chaos run aborted: ${reason}`);
  const dataDir = platform?.dataDir;
  try {
    const failed = [...(load?.failures ?? new Map<string, number>())]
      .map(([outcome, count]) => `${count} × ${outcome}`)
      .join(', ');
    const judged = rowsJudgedSoFar();
    const run = {
      reason,
      phaseReached: progress.phases.at(-1)?.name ?? 'none (before the platform started)',
      elapsedMs: progress.elapsedMs(),
      facts: [
        ['orders acknowledged so far', String(load?.acknowledged.length ?? 0)],
        [
          'keys refused (4xx) so far',
          String(load?.unfinished.filter((o) => o.reason === 'rejected').length ?? 0),
        ],
        ['POST attempts', String(load?.attemptsTotal ?? 0)],
        ['failed attempts', failed || 'none'],
        ...timelineFacts(record),
        ['data and logs', dataDir ?? 'n/a'],
      ] as Array<[string, string]>,
      invariants: [
        ...judged,
        {
          name: 'run finished',
          passed: false,
          summary: `aborted in "${progress.phases.at(-1)?.name ?? 'start'}": ${reason}`,
        },
      ],
    };
    printAbortReport(run);
    progress.info(
      `report written to ${writeReport({ at: new Date().toISOString(), aborted: run, timeline: record })}`,
    );
  } catch (error) {
    progress.warn(`could not print the abort report: ${errorMessage(error)}`);
  }
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
  const faults = faultRows({ scenario, record, acknowledged: running.acknowledged });
  const timeToSettle = checkTimeToSettle({
    providerBackAt: after.providerBackAt,
    wait: after.settlement,
    owedWhenBack: after.providerBackAt === null ? null : sampler.owedAt(after.providerBackAt),
    boundMs: scenario.settleBoundMs,
    orders: verdict.orders,
    money: verdict.money,
    faults: record.providerFaults,
  });
  const rows = [
    after.convergedRow,
    ...faults.rows,
    ...checkLoad({
      acknowledged: running.acknowledged,
      unfinished: running.unfinished,
      attemptsByKey: running.attemptsByKey,
      windows: record.windows,
      ordersPerSecond: scenario.ordersPerSecond,
      minAcknowledged: scenario.minAcknowledged,
      minPhaseShare: scenario.minPhaseShare,
    }),
    ...checkInFlightAtKill({
      kill: record.kill,
      regions: scenario.regions,
      acknowledged: running.acknowledged,
      outageReads: record.outageReads,
      finalRegions: verdict.state.snapshot.regions,
      graceMs: scenario.replicationGraceMs,
    }),
    checkCompensationKill({
      kill: record.compensationKill,
      owedAtKill: record.owedAtCompensationKill,
      orders: verdict.orders,
      money: verdict.money,
    }),
    checkTwinPairs(record.twins, verdict.orders),
    timeToSettle.row,
    ...verdict.rows,
  ];

  progress.phase('stop the platform');
  const exits = [...platform.exits];
  await shutdown();

  // INFO rows are counted observations, not checks: they count neither as passed nor as failed.
  const checks = rows.filter((row) => !row.informational);
  const passedCount = checks.filter((row) => row.passed).length;
  const failedCount = checks.length - passedCount;
  const report: ChaosReport = {
    at: new Date().toISOString(),
    command: `npm run chaos -- --regions ${scenario.regions.join(',')} --seed ${scenario.seed} --rate ${scenario.ordersPerSecond} --clients ${scenario.clients}${scenario.freezeMs > 0 ? '' : ' --skip-freeze'}`,
    passed: failedCount === 0,
    invariantsPassed: passedCount,
    invariantsFailed: failedCount,
    metrics: {
      ordersAcknowledged: verdict.counts.acknowledged,
      ordersLost: verdict.counts.lost,
      ordersDuplicated: verdict.counts.duplicated,
      ordersStuck: verdict.counts.stuck,
      keysChargedTwice: verdict.counts.doubleCharged,
      unitsOversold: verdict.counts.oversold,
      maxP99ReplicationLagMs: sampler.maxLagMs('p99LagMs'),
      maxLastReplicationLagMs: sampler.maxLagMs('lastLagMs'),
      failoverMs: faults.failoverMs,
      freezeFailoverMs: faults.freezeFailoverMs,
      restartMs: record.restartMs,
      convergenceMs: after.convergenceMs,
      unacknowledgedOrdersInStores: verdict.counts.unacknowledgedInStores,
      unfinishedKeys: verdict.counts.unfinishedKeys,
      clientAttempts: running.attemptsTotal,
      replicationConflicts: Math.max(0, ...sampler.samples.map((sample) => sample.conflicts)),
      deadLetters: sampler.maxDeadLetters(),
      providerFaults: providerFaultLengths(record.providerFaults),
      compensationFailoverMs: faults.compensationFailoverMs,
      ordersOwedWhenProviderBack: after.providerBackAt === null ? null : sampler.owedAt(after.providerBackAt),
      mostOrdersOwed: sampler.maxOwed(),
      timeToSettleMs: timeToSettle.timeToSettleMs,
      sameKeyPairs: `${record.twins.length} (${alsoAcknowledged.length} orders acknowledged)`,
    },
    invariants: rows,
    context: {
      scenario: { ...scenario, summaryFile: undefined },
      runId,
      dataDir,
      phases: progress.phases,
      killedRegion: record.kill?.region ?? null,
      frozenRegion: record.freeze?.region ?? null,
      timeline: {
        ...record,
        outageReads: record.outageReads.map(({ found, ...read }) => ({
          ...read,
          ordersFound: Object.keys(found).length,
        })),
      },
      clientFailures: Object.fromEntries(running.failures),
      ordersPerKey: verdict.counts.ordersPerKey,
      unacknowledgedOrders: verdict.unacknowledged.slice(0, 50),
      unfinished: running.unfinished.slice(0, 20),
      processExits: exits,
      statusSamples: sampler.samples,
      failedStatusSamples: sampler.failedSamples,
    },
  };
  printReport(report);
  progress.info(`report written to ${writeReport(report)}`);
  if (scenario.summaryFile) writeSummary(scenario.summaryFile, passedCount, failedCount);
  if (report.passed && !scenario.keepData) rmSync(dataDir, { recursive: true, force: true });
  else progress.info(`platform data and logs kept in ${dataDir}`);
  return report.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => abort(errorMessage(error)),
);
