import type { TimelineRecord } from './fault-record';
import { faultRows, timelineFacts } from './fault-rows';
import { errorMessage } from './http';
import type { InvariantResult } from './invariant';
import type { LoadGenerator } from './load-generator';
import type { Progress } from './progress';
import { printAbortReport, writeReport } from './report';
import type { ChaosScenario } from './scenario';

/**
 * A run that cannot finish still reports what it knows (phase, reason, load so far) and one failed
 * invariant, so CI counts it; the report is printed and written like a finished run's.
 */
export function reportAbortedRun(input: {
  reason: string;
  scenario: ChaosScenario;
  record: TimelineRecord;
  load: LoadGenerator | undefined;
  progress: Progress;
  dataDir: string | undefined;
}): void {
  const { reason, scenario, record, load, progress, dataDir } = input;
  try {
    const failed = [...(load?.failures ?? new Map<string, number>())]
      .map(([outcome, count]) => `${count} × ${outcome}`)
      .join(', ');
    const judged = rowsJudgedSoFar(scenario, record, load);
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
}

/** The fault rows that can already be judged from the timeline record (for an aborted run). */
function rowsJudgedSoFar(
  scenario: ChaosScenario,
  record: TimelineRecord,
  load: LoadGenerator | undefined,
): InvariantResult[] {
  return faultRows({ scenario, record, acknowledged: load?.acknowledged ?? [], soFar: true }).rows;
}
