import type { AfterLoad } from './after-load';
import type { TimelineRecord } from './fault-record';
import { faultRows, providerFaultLengths } from './fault-rows';
import { checkCompensationKill, checkTimeToSettle } from './invariants-compensation';
import { checkLoad } from './invariants-faults';
import { checkInFlightAtKill } from './invariants-in-flight';
import { checkTwinPairs } from './invariants-provider';
import type { LoadGenerator } from './load-generator';
import type { Progress } from './progress';
import type { ChaosReport } from './report';
import type { ChaosScenario } from './scenario';
import type { StatusSampler } from './status-sampler';
import type { Verdict } from './verify';

/** What a finished run is judged on: its scenario, what the timeline did, the load and what was read after. */
export interface FinishedRun {
  scenario: ChaosScenario;
  record: TimelineRecord;
  load: LoadGenerator;
  verdict: Verdict;
  after: AfterLoad;
  sampler: StatusSampler;
}

export type Judgement = ReturnType<typeof judgeRun>;

/** Every invariant row of a finished run: convergence, the faults, the load, the kills, the stores. */
export function judgeRun({ scenario, record, load, verdict, after, sampler }: FinishedRun) {
  const faults = faultRows({ scenario, record, acknowledged: load.acknowledged });
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
      acknowledged: load.acknowledged,
      unfinished: load.unfinished,
      attemptsByKey: load.attemptsByKey,
      windows: record.windows,
      ordersPerSecond: scenario.ordersPerSecond,
      minAcknowledged: scenario.minAcknowledged,
      minPhaseShare: scenario.minPhaseShare,
    }),
    ...checkInFlightAtKill({
      kill: record.kill,
      regions: scenario.regions,
      acknowledged: load.acknowledged,
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
  return { rows, faults, timeToSettle };
}

/** The run's report: the verdict, its metrics and the context to read a failure with. */
export function chaosReport(
  input: FinishedRun & {
    judged: Judgement;
    run: {
      runId: string;
      dataDir: string;
      phases: Progress['phases'];
      exits: unknown[];
      alsoAcknowledged: readonly unknown[];
    };
  },
): ChaosReport {
  const { scenario, record, load, verdict, after, sampler, judged, run } = input;
  // INFO rows are counted observations, not checks: they count neither as passed nor as failed.
  const checks = judged.rows.filter((row) => !row.informational);
  const passedCount = checks.filter((row) => row.passed).length;
  const failedCount = checks.length - passedCount;
  return {
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
      failoverMs: judged.faults.failoverMs,
      freezeFailoverMs: judged.faults.freezeFailoverMs,
      restartMs: record.restartMs,
      convergenceMs: after.convergenceMs,
      unacknowledgedOrdersInStores: verdict.counts.unacknowledgedInStores,
      unfinishedKeys: verdict.counts.unfinishedKeys,
      clientAttempts: load.attemptsTotal,
      replicationConflicts: Math.max(0, ...sampler.samples.map((sample) => sample.conflicts)),
      deadLetters: sampler.maxDeadLetters(),
      providerFaults: providerFaultLengths(record.providerFaults),
      compensationFailoverMs: judged.faults.compensationFailoverMs,
      ordersOwedWhenProviderBack: after.providerBackAt === null ? null : sampler.owedAt(after.providerBackAt),
      mostOrdersOwed: sampler.maxOwed(),
      timeToSettleMs: judged.timeToSettle.timeToSettleMs,
      sameKeyPairs: `${record.twins.length} (${run.alsoAcknowledged.length} orders acknowledged)`,
    },
    invariants: judged.rows,
    context: {
      scenario: { ...scenario, summaryFile: undefined },
      runId: run.runId,
      dataDir: run.dataDir,
      phases: run.phases,
      killedRegion: record.kill?.region ?? null,
      frozenRegion: record.freeze?.region ?? null,
      timeline: {
        ...record,
        outageReads: record.outageReads.map(({ found, ...read }) => ({
          ...read,
          ordersFound: Object.keys(found).length,
        })),
      },
      clientFailures: Object.fromEntries(load.failures),
      ordersPerKey: verdict.counts.ordersPerKey,
      unacknowledgedOrders: verdict.unacknowledged.slice(0, 50),
      unfinished: load.unfinished.slice(0, 20),
      processExits: run.exits,
      statusSamples: sampler.samples,
      failedStatusSamples: sampler.failedSamples,
    },
  };
}
