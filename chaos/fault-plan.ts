import { seededRandom } from './order-mix';
import type { ChaosScenario, Range } from './scenario';

export type ProviderFaultKind = 'kill' | 'errors' | 'latency';

/** One provider fault of the provider track, at a time drawn from the seed. */
export interface PlannedProviderFault {
  kind: ProviderFaultKind;
  /** From the moment the provider track starts (the first kill confirmed). */
  atMs: number;
  durationMs: number;
  /** The provider's answer time, for a latency fault. */
  latencyMs?: number;
}

/** What each request of a same-key pair can do (see ChaosScenario.twinPairs). */
export type TwinKind = 'both-can-confirm' | 'declined' | 'one-region-has-stock';

export interface PlannedTwin {
  kind: TwinKind;
  /** From the moment the link is cut. */
  atMs: number;
  /** The region sent the request first, and the one sent it `gapMs` later. */
  first: string;
  second: string;
  gapMs: number;
  /** Both orders are shipped (handed to the carrier) once confirmed, before the link heals. */
  ship: boolean;
}

export interface FaultPlan {
  providerTrack: PlannedProviderFault[];
  /** The 503 burst in which the serving region is killed while its compensations retry. */
  compensationOutage: { durationMs: number; killAfterMs: number };
  twins: PlannedTwin[];
}

type PlanInputs = Pick<
  ChaosScenario,
  | 'seed'
  | 'regions'
  | 'providerWindowMs'
  | 'providerKillDownMs'
  | 'providerErrorBurstMs'
  | 'providerLatencyFaultMs'
  | 'providerLatencyMs'
  | 'compensationOutageMs'
  | 'compensationKillAfterMs'
  | 'partitionMs'
  | 'twinPairs'
  | 'twinStockRegion'
>;

/** Kept clear at the end of the link cut, so the last pair's second request is sent before the heal. */
const TWIN_TAIL_MS = 3_000;
const TWIN_MAX_GAP_MS = 300;
/** The kill comes this long before the outage ends at the latest, so it falls inside it. */
const KILL_INSIDE_OUTAGE_MS = 500;

/**
 * The run's fault plan, drawn from its seed alone (a stream apart from the order mix's, so either can
 * change without moving the other): the provider track's three faults in a seeded order with seeded
 * durations and gaps, none overlapping and all inside the window; the compensation outage and when the
 * kill comes in it (always before it ends); the same-key pairs at seeded times of the link cut.
 */
export function planFaults(inputs: PlanInputs): FaultPlan {
  const random = seededRandom((inputs.seed ^ 0x5f3759df) >>> 0);
  const draw = (range: Range) => Math.round(range.min + random() * (range.max - range.min));

  const kinds: ProviderFaultKind[] = shuffle(['kill', 'errors', 'latency'], random);
  const faults = kinds.map((kind) => ({
    kind,
    durationMs: draw(
      kind === 'kill'
        ? inputs.providerKillDownMs
        : kind === 'errors'
          ? inputs.providerErrorBurstMs
          : inputs.providerLatencyFaultMs,
    ),
    ...(kind === 'latency' ? { latencyMs: draw(inputs.providerLatencyMs) } : {}),
  }));
  const busy = faults.reduce((sum, fault) => sum + fault.durationMs, 0);
  if (busy > inputs.providerWindowMs)
    throw new Error(
      `the provider faults can last ${busy} ms, more than their ${inputs.providerWindowMs} ms window`,
    );
  // The slack, cut at seeded points into a gap before each fault and one after the last.
  const cuts = faults.map(() => random() * (inputs.providerWindowMs - busy)).sort((a, b) => a - b);
  let at = 0;
  let previousCut = 0;
  const providerTrack: PlannedProviderFault[] = faults.map((fault, index) => {
    const cut = cuts[index] ?? 0;
    at += Math.round(cut - previousCut);
    previousCut = cut;
    const planned = { ...fault, atMs: at };
    at += fault.durationMs;
    return planned;
  });

  const outageMs = draw(inputs.compensationOutageMs);
  const latestKill = Math.max(inputs.compensationKillAfterMs.min, outageMs - KILL_INSIDE_OUTAGE_MS);
  const killAfterMs = draw({
    min: Math.min(inputs.compensationKillAfterMs.min, latestKill),
    max: Math.min(inputs.compensationKillAfterMs.max, latestKill),
  });

  const kindsInTurn: TwinKind[] = [
    'both-can-confirm',
    'one-region-has-stock',
    'both-can-confirm',
    'declined',
  ];
  const others = inputs.regions.filter((region) => region !== inputs.twinStockRegion);
  const spreadMs = Math.max(0, inputs.partitionMs - TWIN_TAIL_MS - TWIN_MAX_GAP_MS);
  const twins = Array.from({ length: inputs.twinPairs }, (_, index): PlannedTwin => {
    const kind = kindsInTurn[index % kindsInTurn.length] as TwinKind;
    // A stock pair always involves the region that holds the stock; the others any two regions.
    const pair =
      kind === 'one-region-has-stock'
        ? [inputs.twinStockRegion, pick(others, random)]
        : shuffle(inputs.regions, random).slice(0, 2);
    const [first, second] = random() < 0.5 ? pair : [...pair].reverse();
    return {
      kind,
      atMs: Math.round(random() * spreadMs),
      first: first as string,
      second: second as string,
      gapMs: Math.round(random() * TWIN_MAX_GAP_MS),
      // Every other pair that can confirm twice is shipped: the one not kept must then be returned.
      ship: kind === 'both-can-confirm' && index % 4 === 0,
    };
  }).sort((a, b) => a.atMs - b.atMs);

  return { providerTrack, compensationOutage: { durationMs: outageMs, killAfterMs }, twins };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}
