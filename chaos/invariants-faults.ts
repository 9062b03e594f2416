import type { FaultWindow, LinkSwitch, PhaseWindow } from './fault-record';
import { capped, type InvariantResult } from './invariant';
import { type AcknowledgedOrder, type Attempt, RETRYABLE_4XX, type UnfinishedOrder } from './load-generator';

/**
 * Whether an acknowledgement proves failover: a 202 answered, while the fault held (from its injection
 * to the moment the region was brought back), by a region of this run other than the faulted one. A
 * reply without the region header ('unknown') proves nothing.
 */
export function provesFailover(
  order: Pick<AcknowledgedOrder, 'ackAt' | 'answeredBy'>,
  fault: Pick<FaultWindow, 'region' | 'from' | 'until'>,
  regions: readonly string[],
): boolean {
  if (order.ackAt < fault.from) return false;
  if (fault.until !== null && order.ackAt >= fault.until) return false;
  return order.answeredBy !== fault.region && regions.includes(order.answeredBy);
}

/** The first acknowledgement that proves failover, and how long after the fault it came. */
export function firstFailover(
  acknowledged: readonly AcknowledgedOrder[],
  fault: FaultWindow,
  regions: readonly string[],
): { ms: number; answeredBy: string; orderId: string } | null {
  let first: AcknowledgedOrder | undefined;
  for (const order of acknowledged) {
    if (!provesFailover(order, fault, regions)) continue;
    if (!first || order.ackAt < first.ackAt) first = order;
  }
  return first
    ? { ms: first.ackAt - fault.from, answeredBy: first.answeredBy, orderId: first.orderId }
    : null;
}

/**
 * The front door moved to another region while `fault` held. Fails when the fault was not confirmed
 * (a kill that killed nothing proves nothing), when it never ended (no window to judge), or when no
 * named surviving region acknowledged an order inside the window.
 */
export function checkFailover(
  name: string,
  what: string,
  fault: FaultWindow | null,
  acknowledged: readonly AcknowledgedOrder[],
  regions: readonly string[],
): { row: InvariantResult; failoverMs: number | null } {
  const fail = (summary: string, details?: unknown) => ({
    row: { name, passed: false, summary, ...(details === undefined ? {} : { details }) },
    failoverMs: null,
  });
  if (!fault) return fail(`no ${what} happened`);
  if (fault.confirmedAt === null) return fail(`${what} of ${fault.region} not confirmed: ${fault.detail}`);
  if (fault.until === null)
    return fail(`${fault.region} was never brought back, so there is no window to judge`);
  const first = firstFailover(acknowledged, fault, regions);
  const inWindow = acknowledged.filter(
    (order) => order.ackAt >= fault.from && order.ackAt < (fault.until ?? 0),
  );
  const byRegion: Record<string, number> = {};
  for (const order of inWindow) byRegion[order.answeredBy] = (byRegion[order.answeredBy] ?? 0) + 1;
  const survivors = inWindow.filter((order) => provesFailover(order, fault, regions)).length;
  if (!first)
    return fail(
      `no 202 from a named surviving region during the ${fault.until - fault.from} ms ${fault.region} was out`,
      { acknowledgedInWindowByRegion: byRegion },
    );
  return {
    row: {
      name,
      passed: true,
      summary: `${first.ms} ms to the first 202 from ${first.answeredBy}; ${survivors} orders acknowledged by surviving regions in the ${fault.until - fault.from} ms ${fault.region} was out (${fault.detail})`,
      details: { acknowledgedInWindowByRegion: byRegion, firstOrderId: first.orderId },
    },
    failoverMs: first.ms,
  };
}

/** Why one cut or heal did not take effect in every region (empty when it did). */
export function linkSwitchProblems(regions: readonly string[], entry: LinkSwitch): string[] {
  if (entry.error) return [entry.error];
  const problems: string[] = [];
  if (entry.answer && entry.answer.link !== entry.expected)
    problems.push(`the control server reports the link ${entry.answer.link}`);
  for (const region of regions) {
    const answered = entry.answer?.regions.find((candidate) => candidate.region === region);
    if (!answered) problems.push(`${region} not reached by the control server`);
    else if (!answered.ok) problems.push(`${region} did not accept the switch (ok: false)`);
    const readBack = entry.readBack[region];
    if (readBack !== entry.expected)
      problems.push(`${region} reports link ${readBack ?? 'nothing'} afterwards`);
  }
  return problems;
}

/** Every link cut and heal took effect in every region: the control server's flags and the regions' own status. */
export function checkLinkSwitches(
  regions: readonly string[],
  switches: readonly LinkSwitch[],
): InvariantResult {
  const problems: string[] = [];
  for (const action of ['cut', 'heal'] as const) {
    if (!switches.some((entry) => entry.action === action)) problems.push(`the link was never ${action}`);
  }
  for (const entry of switches) {
    problems.push(...linkSwitchProblems(regions, entry).map((problem) => `${entry.action}: ${problem}`));
  }
  return {
    name: 'link cut and healed in every region',
    passed: problems.length === 0,
    summary:
      problems.length === 0
        ? `${switches.map((entry) => entry.action).join(' + ')} accepted by ${regions.length} regions (control answer and each region's status)`
        : problems.slice(0, 3).join('; '),
    ...(problems.length > 0 ? { details: { problems, switches } } : {}),
  };
}

/**
 * Without load the order, stock, ledger and notification invariants hold vacuously. Requires enough
 * acknowledged orders in all, and in each phase where the platform should serve at least `minShare` of
 * what the load offered in it; and no order refused for good with a 4xx (the mix only sends valid
 * orders). A retryable 4xx (408/409/425/429) on a key that was acknowledged later is explained (the
 * platform asked for a retry, then accepted); on a key never acknowledged it is not.
 */
export function checkLoad(input: {
  acknowledged: readonly AcknowledgedOrder[];
  unfinished: readonly UnfinishedOrder[];
  attemptsByKey: ReadonlyMap<string, readonly Attempt[]>;
  windows: readonly PhaseWindow[];
  ordersPerSecond: number;
  minAcknowledged: number;
  minPhaseShare: number;
}): InvariantResult[] {
  const { acknowledged, windows } = input;
  const phases = windows.map((window) => {
    const offered = (input.ordersPerSecond * (window.until - window.from)) / 1000;
    const minimum = Math.max(1, Math.floor(offered * input.minPhaseShare));
    const count = acknowledged.filter(
      (order) => order.ackAt >= window.from && order.ackAt < window.until,
    ).length;
    return { phase: window.name, acknowledged: count, minimum, seconds: (window.until - window.from) / 1000 };
  });
  const short = phases.filter((phase) => phase.acknowledged < phase.minimum);
  const enough = acknowledged.length >= input.minAcknowledged;
  const loadRow: InvariantResult = {
    name: 'enough orders acknowledged, in every serving phase',
    passed: enough && windows.length > 0 && short.length === 0,
    summary: `${acknowledged.length} acknowledged (minimum ${input.minAcknowledged}); ${
      windows.length === 0
        ? 'no phase recorded'
        : phases.map((phase) => `${phase.phase} ${phase.acknowledged}/≥${phase.minimum}`).join(', ')
    }`,
    details: { phases },
  };

  const acknowledgedKeys = new Set(acknowledged.map((order) => order.key));
  const refused = input.unfinished.filter((order) => order.reason === 'rejected');
  let retryable = 0;
  const unexplained: Array<{ key: string; attempts: readonly Attempt[] }> = [];
  for (const [key, attempts] of input.attemptsByKey) {
    const asked = attempts.filter((attempt) => RETRYABLE_4XX.has(Number(attempt.outcome))).length;
    retryable += asked;
    if (asked > 0 && !acknowledgedKeys.has(key)) unexplained.push({ key, attempts });
  }
  const refusedRow: InvariantResult = {
    name: 'no order refused with a 4xx',
    passed: refused.length === 0 && unexplained.length === 0,
    summary: `${refused.length} keys refused for good; ${retryable} retryable 4xx answers, ${unexplained.length} on keys never acknowledged`,
    ...(refused.length + unexplained.length > 0
      ? { details: { refused: capped(refused), unexplained: capped(unexplained) } }
      : {}),
  };
  return [loadRow, refusedRow];
}
