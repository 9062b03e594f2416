import { rmSync } from 'node:fs';
import { waitForConvergence } from './convergence';
import { errorMessage } from './http';
import type { InvariantResult } from './invariant';
import { LoadGenerator } from './load-generator';
import { CUSTOMERS, OrderMix } from './order-mix';
import { ControlPlane, type RunningPlatform, signIn, startPlatform } from './platform-control';
import { Progress } from './progress';
import { RegionReader } from './region-reader';
import { type ChaosReport, printReport, writeReport, writeSummary } from './report';
import { scenarioFromArgs } from './scenario';
import { StatusSampler } from './status-sampler';
import { restockAndSettle } from './stock-setup';
import { FailoverClock, frozenPids, runTimeline } from './timeline';
import { verify } from './verify';

/**
 * `npm run chaos`: starts the platform with two regions (or those of --regions) on free ports, puts steady order load on it,
 * kills the serving region, restarts it, partitions the regions and heals them, freezes the serving
 * region for a while (unless --skip-freeze), waits for convergence and checks the invariants. Exits
 * non-zero when any invariant fails. Bounded to five minutes.
 */
const scenario = scenarioFromArgs(process.argv.slice(2));
const progress = new Progress();
let platform: RunningPlatform | undefined;

async function shutdown(): Promise<void> {
  const running = platform;
  platform = undefined;
  if (running) await running.stop();
}

/** A run that cannot finish still reports: one failed invariant, so CI counts it. */
async function abort(reason: string): Promise<never> {
  progress.warn(`chaos run aborted: ${reason}`);
  const dataDir = platform?.dataDir;
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
  progress.phase(`start the platform: ${scenario.regions.join(', ')} (seed ${scenario.seed}, run ${runId})`);
  platform = await startPlatform(scenario.regions);
  platform.onUnexpectedExit((how) => {
    // The launcher stops everything on SIGINT/SIGTERM; this run never sends those before the end.
    void abort(
      `the platform launcher exited on its own (${how}); another process on this machine may have signalled it`,
    );
  });
  const { urls, dataDir } = platform;
  progress.info(`front door ${urls.frontDoor}, control ${urls.control}, data ${dataDir}`);
  const adminToken = await signIn(urls.frontDoor, 'admin');
  const tokens = Object.fromEntries(
    await Promise.all(CUSTOMERS.map(async (user) => [user, await signIn(urls.frontDoor, user)] as const)),
  );
  const readers = scenario.regions.map(
    (name) => new RegionReader(name, urls.regions[name] ?? '', adminToken),
  );

  progress.phase('restock');
  await restockAndSettle({ frontDoor: urls.frontDoor, adminToken, readers, dataDir, progress, ...scenario });

  const startedAt = Date.now();
  const sampler = new StatusSampler(urls.frontDoor, startedAt);
  const failover = new FailoverClock();
  const freezeFailover = new FailoverClock();
  const load = new LoadGenerator({
    frontDoor: urls.frontDoor,
    tokens,
    clients: scenario.clients,
    ordersPerSecond: scenario.ordersPerSecond,
    mix: new OrderMix(scenario.seed, runId, scenario.scarceSku),
    onAck: (order) => {
      failover.observe(order);
      freezeFailover.observe(order);
    },
  });
  sampler.start();
  load.start();
  const timeline = await runTimeline({
    scenario,
    frontDoor: urls.frontDoor,
    control: new ControlPlane(urls.control),
    load,
    sampler,
    failover,
    freezeFailover,
    progress,
  });

  progress.phase(`stop the load; clients finish their retries (at most ${scenario.drainMs / 1000} s)`);
  await load.stop(scenario.drainMs);
  progress.info(
    `${load.acknowledged.length} orders acknowledged, ${load.unfinished.length} keys never acknowledged`,
  );

  progress.phase(`wait for convergence (at most ${scenario.convergenceMs / 1000} s)`);
  const convergence = await waitForConvergence({
    readers,
    dataDir,
    acknowledged: new Set(load.acknowledged.map((order) => order.orderId)),
    timeoutMs: scenario.convergenceMs,
    progress,
  });
  progress.info(
    convergence.converged
      ? `converged after ${convergence.elapsedMs} ms`
      : `NOT converged: ${convergence.reasons.join('; ')}`,
  );

  progress.phase('verify the invariants');
  const verdict = await verify({
    readers,
    dataDir,
    paymentsUrl: urls.payments,
    load,
    restocks: scenario.restocks,
  });
  sampler.stop();
  const convergedRow: InvariantResult = {
    name: `converged within ${scenario.convergenceMs / 1000} s`,
    passed: convergence.converged,
    summary: convergence.converged
      ? `${convergence.elapsedMs} ms`
      : convergence.reasons.slice(0, 3).join('; '),
  };
  const failoverRow: InvariantResult = {
    name: 'front door failed over to the surviving region',
    passed: failover.failoverMs !== null,
    summary:
      failover.failoverMs === null
        ? `no 202 from another region while ${timeline.killedRegion} was down`
        : `${failover.failoverMs} ms to the first 202 from ${failover.answeredBy}`,
  };
  const freezeRow: InvariantResult[] = timeline.frozenRegion
    ? [
        {
          name: 'front door routed around the frozen region',
          passed: freezeFailover.failoverMs !== null,
          summary:
            freezeFailover.failoverMs === null
              ? `no 202 from another region while ${timeline.frozenRegion} was frozen`
              : `${freezeFailover.failoverMs} ms to the first 202 from ${freezeFailover.answeredBy}`,
        },
      ]
    : [];
  const rows = [convergedRow, failoverRow, ...freezeRow, ...verdict.rows];

  progress.phase('stop the platform');
  const exits = [...platform.exits];
  await shutdown();

  const passedCount = rows.filter((row) => row.passed).length;
  const report: ChaosReport = {
    at: new Date().toISOString(),
    command: `npm run chaos -- --regions ${scenario.regions.join(',')} --seed ${scenario.seed} --rate ${scenario.ordersPerSecond} --clients ${scenario.clients}${scenario.freezeMs > 0 ? '' : ' --skip-freeze'}`,
    passed: passedCount === rows.length,
    invariantsPassed: passedCount,
    invariantsFailed: rows.length - passedCount,
    metrics: {
      ordersAcknowledged: verdict.counts.acknowledged,
      ordersLost: verdict.counts.lost,
      ordersDuplicated: verdict.counts.duplicated,
      ordersStuck: verdict.counts.stuck,
      keysChargedTwice: verdict.counts.doubleCharged,
      unitsOversold: verdict.counts.oversold,
      maxReplicationLagMs: sampler.maxLagMs(),
      failoverMs: failover.failoverMs,
      freezeFailoverMs: freezeFailover.failoverMs,
      restartMs: timeline.restartMs,
      convergenceMs: convergence.converged ? convergence.elapsedMs : null,
      unacknowledgedOrdersInStores: verdict.counts.unacknowledgedInStores,
      unfinishedKeys: verdict.counts.unfinishedKeys,
      clientAttempts: load.attemptsTotal,
      replicationConflicts: Math.max(0, ...sampler.samples.map((sample) => sample.conflicts)),
      deadLetters: sampler.maxDeadLetters(),
    },
    invariants: rows,
    context: {
      scenario: { ...scenario, summaryFile: undefined },
      runId,
      dataDir,
      phases: progress.phases,
      killedRegion: timeline.killedRegion,
      frozenRegion: timeline.frozenRegion,
      clientFailures: Object.fromEntries(load.failures),
      ordersPerKey: verdict.counts.ordersPerKey,
      unacknowledgedOrders: verdict.unacknowledged.slice(0, 50),
      unfinished: load.unfinished.slice(0, 20),
      processExits: exits,
      statusSamples: sampler.samples,
      failedStatusSamples: sampler.failedSamples,
    },
  };
  printReport(report);
  progress.info(`report written to ${writeReport(report)}`);
  if (scenario.summaryFile) writeSummary(scenario.summaryFile, passedCount, rows.length - passedCount);
  if (report.passed && !scenario.keepData) rmSync(dataDir, { recursive: true, force: true });
  else progress.info(`platform data and logs kept in ${dataDir}`);
  return report.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => abort(errorMessage(error)),
);
