import type { TimelineRecord } from './fault-record';
import type { InvariantResult } from './invariant';
import { checkFailover, checkLinkSwitches } from './invariants-faults';
import { checkProviderFaults } from './invariants-provider';
import type { AcknowledgedOrder } from './load-generator';
import type { ProviderFaultRecord } from './provider-faults';
import type { ChaosScenario } from './scenario';

/**
 * The rows judged from the timeline record alone: failover after each kill and the freeze, the link
 * switches, the provider faults. `soFar` (an aborted run) leaves out what has not happened yet.
 */
export function faultRows(input: {
  scenario: Pick<ChaosScenario, 'regions' | 'freezeMs'>;
  record: TimelineRecord;
  acknowledged: readonly AcknowledgedOrder[];
  soFar?: boolean;
}): {
  rows: InvariantResult[];
  failoverMs: number | null;
  compensationFailoverMs: number | null;
  freezeFailoverMs: number | null;
} {
  const { scenario, record, acknowledged, soFar = false } = input;
  const ended = (window: { until: number | null } | null) => !soFar || window?.until != null;
  const failover = checkFailover(
    'front door failed over to the surviving region',
    'kill -9',
    record.kill,
    acknowledged,
    scenario.regions,
  );
  const compensation = checkFailover(
    'front door failed over after the kill in the provider outage',
    'kill -9 during compensation',
    record.compensationKill,
    acknowledged,
    scenario.regions,
  );
  const freeze = checkFailover(
    'front door routed around the frozen region',
    'freeze',
    record.freeze,
    acknowledged,
    scenario.regions,
  );
  const rows = [
    ...(ended(record.kill) ? [failover.row] : []),
    ...(ended(record.compensationKill) ? [compensation.row] : []),
    ...(scenario.freezeMs > 0 && ended(record.freeze) ? [freeze.row] : []),
    ...(!soFar || record.links.length === 2 ? [checkLinkSwitches(scenario.regions, record.links)] : []),
    ...(!soFar ||
    (record.compensationKill !== null && record.providerFaults.every((fault) => fault.until !== null))
      ? [checkProviderFaults(record.plan, record.providerFaults)]
      : []),
  ];
  return {
    rows,
    failoverMs: failover.failoverMs,
    compensationFailoverMs: compensation.failoverMs,
    freezeFailoverMs: scenario.freezeMs > 0 ? freeze.failoverMs : null,
  };
}

/** "kill 8103 ms, errors 7092 ms, …": each provider fault and how long it held. */
export function providerFaultLengths(faults: readonly ProviderFaultRecord[]): string {
  return faults
    .map((fault) => `${fault.kind} ${fault.until === null ? 'not ended' : `${fault.until - fault.from} ms`}`)
    .join(', ');
}

/** What the timeline did so far, as rows of an aborted run's report. */
export function timelineFacts(record: TimelineRecord): Array<[string, string]> {
  return [
    ['killed region', record.kill ? `${record.kill.region} (${record.kill.detail})` : 'not yet'],
    ['restart', record.restartMs === null ? 'not done' : `${record.restartMs} ms`],
    ['link switches', record.links.map((entry) => entry.action).join(', ') || 'none yet'],
    ['same-key pairs sent', String(record.twins.length)],
    ['provider faults', providerFaultLengths(record.providerFaults) || 'none yet'],
    [
      'kill in the provider outage',
      record.compensationKill
        ? `${record.compensationKill.region} (${record.compensationKill.detail})`
        : 'not yet',
    ],
    ['frozen region', record.freeze ? `${record.freeze.region} (${record.freeze.detail})` : 'not yet'],
  ];
}
