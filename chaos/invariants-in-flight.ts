import { ownerOf } from './convergence';
import type { FaultWindow, OutageRead } from './fault-record';
import { capped, type InvariantResult, TERMINAL_STATUSES } from './invariant';
import type { AcknowledgedOrder } from './load-generator';
import type { OrderView } from './region-reader';

function terminalAt(order: OrderView): number | null {
  const entry = order.timeline.find((candidate) => TERMINAL_STATUSES.has(candidate.type));
  return entry ? Date.parse(entry.at) : null;
}

/**
 * "An order accepted by a region that then dies is readable from the other region (as replicated) and is
 * finished by its own region when that region returns."
 *
 * The orders concerned are the acknowledged orders of the killed region that existed when it died and
 * were not terminal then: created before the kill was confirmed, and terminal only after it (or never),
 * as the final copy's timeline shows. During the outage each surviving region must have returned them;
 * one accepted less than `graceMs` before the kill may not have replicated yet (asynchronous replication)
 * and is only counted. After the restart and convergence each must be terminal in every region, made
 * terminal by its own region after it came back. Both rows fail when no such order existed: the feature
 * was then not exercised.
 */
export function checkInFlightAtKill(input: {
  kill: FaultWindow | null;
  regions: readonly string[];
  acknowledged: readonly AcknowledgedOrder[];
  outageReads: readonly OutageRead[];
  finalRegions: ReadonlyArray<{ region: string; orders: ReadonlyMap<string, OrderView> }>;
  graceMs: number;
}): InvariantResult[] {
  const readName = 'orders in flight at the kill readable from the surviving region during the outage';
  const finishName = 'orders in flight at the kill finished by their own region after its restart';
  const failBoth = (summary: string): InvariantResult[] => [
    { name: readName, passed: false, summary },
    { name: finishName, passed: false, summary },
  ];
  const { kill } = input;
  if (!kill) return failBoth('no kill happened');
  if (kill.confirmedAt === null) return failBoth(`kill of ${kill.region} not confirmed: ${kill.detail}`);
  const diedBy = kill.confirmedAt;
  const own = input.finalRegions.find((state) => state.region === kill.region);
  const copiesOf = (orderId: string) =>
    input.finalRegions.flatMap((state) => {
      const order = state.orders.get(orderId);
      return order ? [{ region: state.region, order }] : [];
    });

  const inFlight: Array<{ orderId: string; createdAt: number; order: OrderView }> = [];
  const seen = new Set<string>();
  for (const ack of input.acknowledged) {
    if (seen.has(ack.orderId) || ownerOf(ack.orderId) !== kill.region) continue;
    seen.add(ack.orderId);
    const order = own?.orders.get(ack.orderId) ?? copiesOf(ack.orderId)[0]?.order;
    if (!order) continue; // Lost: the order invariants report it.
    const createdAt = Date.parse(order.createdAt);
    const finishedAt = terminalAt(order);
    if (createdAt >= diedBy) continue;
    if (finishedAt !== null && finishedAt < diedBy) continue;
    inFlight.push({ orderId: ack.orderId, createdAt, order });
  }
  if (inFlight.length === 0)
    return failBoth(
      `not exercised: no acknowledged order of ${kill.region} was in flight when it was killed (${seen.size} of its orders acknowledged)`,
    );

  // During the outage: every surviving region returned them, as replicated.
  const survivors = input.regions.filter((region) => region !== kill.region);
  const readProblems: string[] = [];
  const missing: Array<{ orderId: string; region: string; acceptedMsBeforeKill: number }> = [];
  const young: Array<{ orderId: string; region: string; acceptedMsBeforeKill: number }> = [];
  const statusesSeen: Record<string, number> = {};
  let foundEverywhere = 0;
  for (const entry of inFlight) {
    let everywhere = true;
    for (const region of survivors) {
      const read = input.outageReads.find((candidate) => candidate.region === region);
      const status = read?.found[entry.orderId];
      if (status !== undefined) {
        statusesSeen[status] = (statusesSeen[status] ?? 0) + 1;
        continue;
      }
      everywhere = false;
      const gap = { orderId: entry.orderId, region, acceptedMsBeforeKill: kill.from - entry.createdAt };
      if (entry.createdAt < kill.from - input.graceMs) missing.push(gap);
      else young.push(gap);
    }
    if (everywhere) foundEverywhere++;
  }
  for (const region of survivors) {
    const read = input.outageReads.find((candidate) => candidate.region === region);
    if (!read) readProblems.push(`${region} was not read during the outage`);
    else if (read.error) readProblems.push(`${region} could not be read during the outage: ${read.error}`);
    else if (kill.until !== null && read.finishedAt > kill.until)
      readProblems.push(`${region}'s read ended after ${kill.region} was restarted`);
  }
  const readRow: InvariantResult = {
    name: readName,
    passed: readProblems.length === 0 && missing.length === 0 && foundEverywhere > 0,
    summary:
      readProblems.length > 0
        ? readProblems.join('; ')
        : `${inFlight.length} acknowledged orders of ${kill.region} in flight at the kill; ${foundEverywhere} read from ${survivors.join(', ')} during the outage (as ${JSON.stringify(statusesSeen)}), ${missing.length} missing, ${young.length} not replicated yet (accepted within ${input.graceMs} ms of the kill)`,
    details: { missing: capped(missing), notReplicatedYet: capped(young) },
  };

  // After the restart and convergence: finished, by the killed region, after it came back.
  const unfinished: Array<{ orderId: string; problem: string }> = [];
  const outcomes: Record<string, number> = {};
  for (const entry of inFlight) {
    const ownCopy = own?.orders.get(entry.orderId);
    const finishedAt = ownCopy ? terminalAt(ownCopy) : null;
    const notTerminal = copiesOf(entry.orderId)
      .filter((copy) => !TERMINAL_STATUSES.has(copy.order.status))
      .map((copy) => `${copy.region} ${copy.order.status}`);
    if (!ownCopy || finishedAt === null || !TERMINAL_STATUSES.has(ownCopy.status))
      unfinished.push({ orderId: entry.orderId, problem: `not terminal in ${kill.region}` });
    else if (kill.until === null || finishedAt < kill.until)
      unfinished.push({
        orderId: entry.orderId,
        problem: `made terminal at ${new Date(finishedAt).toISOString()}, while ${kill.region} was down`,
      });
    else if (notTerminal.length > 0)
      unfinished.push({ orderId: entry.orderId, problem: `not terminal in ${notTerminal.join(', ')}` });
    else outcomes[ownCopy.status] = (outcomes[ownCopy.status] ?? 0) + 1;
  }
  const finishRow: InvariantResult = {
    name: finishName,
    passed: kill.until !== null && unfinished.length === 0,
    summary:
      kill.until === null
        ? `${kill.region} was never restarted`
        : `${inFlight.length - unfinished.length} of ${inFlight.length} finished by ${kill.region} after its restart ${JSON.stringify(outcomes)}; ${unfinished.length} not`,
    ...(unfinished.length > 0 ? { details: capped(unfinished) } : {}),
  };
  return [readRow, finishRow];
}
