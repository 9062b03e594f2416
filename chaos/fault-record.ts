import type { LinkAnswer } from './control-plane';
import type { FaultPlan } from './fault-plan';
import type { ProviderFaultRecord } from './provider-faults';
import type { TwinPairRecord } from './twin-keys';

/**
 * One injected region fault (kill -9 or freeze) and when it held. Times are epoch ms of this process's clock,
 * the clock the load generator stamps acknowledgements with.
 */
export interface FaultWindow {
  region: string;
  /** Just before the fault was injected. */
  from: number;
  /** When the fault was confirmed (the control server's `killed: true`, or the signal sent); null if never. */
  confirmedAt: number | null;
  /** When the region was brought back (restart requested, SIGCONT sent); null while it is still out. */
  until: number | null;
  /** What confirmed the fault, or why it was not confirmed. */
  detail: string;
}

/** A phase of the timeline in which the platform should serve orders. */
export interface PhaseWindow {
  name: string;
  from: number;
  until: number;
}

/** A link cut or heal: what the control server answered and what each region reported afterwards. */
export interface LinkSwitch {
  action: 'cut' | 'heal';
  /** 'cut' or 'up': what every region must report. */
  expected: string;
  answer?: LinkAnswer;
  /** The control request failed altogether. */
  error?: string;
  /** Each region's link state read back from GET /internal/status after the switch ("unreadable: …" on error). */
  readBack: Record<string, string>;
}

/** The orders of the killed region one surviving region returned while the killed region was down. */
export interface OutageRead {
  region: string;
  startedAt: number;
  finishedAt: number;
  /** Order id → status, for every order of the killed region this region held (as replicated). */
  found: Record<string, string>;
  /** The read failed: nothing can be concluded from it. */
  error?: string;
}

/** Everything the timeline did, filled in as it goes, so an aborted run can still say what happened. */
export interface TimelineRecord {
  kill: FaultWindow | null;
  /** Epoch ms when the killed region answered its health check again; null if it never did. */
  restartedAt: number | null;
  restartMs: number | null;
  freeze: FaultWindow | null;
  links: LinkSwitch[];
  windows: PhaseWindow[];
  outageReads: OutageRead[];
  /** The payment simulator's slow window before the kill, if it was applied. */
  slowProvider: { latencyMs: number; from: number; until: number | null } | null;
  /** What the seed planned: provider faults, the compensation outage, the same-key pairs. */
  plan: FaultPlan | null;
  /** Every provider fault as it happened (the provider track's, then the compensation outage). */
  providerFaults: ProviderFaultRecord[];
  /** The kill -9 of the serving region during the compensation outage. */
  compensationKill: FaultWindow | null;
  /** What the killed region owed just before that kill (its settlement count), if it could be read. */
  owedAtCompensationKill: number | null;
  /** The same-key pairs sent to two regions with the link cut. */
  twins: TwinPairRecord[];
}

export function newTimelineRecord(): TimelineRecord {
  return {
    kill: null,
    restartedAt: null,
    restartMs: null,
    freeze: null,
    links: [],
    windows: [],
    outageReads: [],
    slowProvider: null,
    plan: null,
    providerFaults: [],
    compensationKill: null,
    owedAtCompensationKill: null,
    twins: [],
  };
}
