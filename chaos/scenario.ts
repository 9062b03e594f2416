import { parseArgs } from 'node:util';

/** One SKU restocked before the load starts (split evenly across regions, unless `onlyIn` names one). */
export interface Restock {
  sku: string;
  quantity: number;
  /** Every unit goes to this region's allotment. */
  onlyIn?: string;
}

/** A duration drawn from the seed, uniformly between `min` and `max` ms. */
export interface Range {
  min: number;
  max: number;
}

/** Everything that shapes one chaos run; the defaults fit the whole run into at most five minutes. */
export interface ChaosScenario {
  regions: string[];
  /**
   * Seed of the order mix and of the fault plan (when each provider fault comes, how long it lasts, the
   * same-key pairs), printed so a run's plan can be replayed (the platform's own timing cannot).
   */
  seed: number;
  ordersPerSecond: number;
  clients: number;
  /** Phase lengths of the compressed timeline, in ms. */
  warmUpMs: number;
  /**
   * The last part of the warm-up in which the payment simulator answers every call this much later, so
   * that many sagas of the serving region are waiting on the provider when it is killed: the in-flight
   * orders the kill is meant to interrupt. Restored as soon as the kill is confirmed.
   */
  slowProviderLeadMs: number;
  slowProviderLatencyMs: number;
  regionDownMs: number;
  afterRestartMs: number;
  partitionMs: number;
  /**
   * A gray failure after the link heals: the serving region is frozen (SIGSTOP) for this long, then
   * resumed (SIGCONT). Requests it had accepted are answered by the other region meanwhile and then
   * processed by the thawed region: the idempotency path across regions. 0 skips it (--skip-freeze).
   */
  freezeMs: number;
  afterThawMs: number;
  /**
   * Provider faults at seeded times in this window, which opens when the first kill is confirmed: a kill -9
   * of the payment simulator and its restart, a burst of 503s and latency past the regions' 2 s client
   * timeout (each once, in a seeded order, none overlapping another).
   */
  providerWindowMs: number;
  providerKillDownMs: Range;
  providerErrorBurstMs: Range;
  providerLatencyFaultMs: Range;
  /** The provider's answer time during the latency fault: past the client's timeout, so answers are lost after the effect applied. */
  providerLatencyMs: Range;
  /**
   * At the end of the link cut: the provider answers 503 for this long and the link heals as it begins; a
   * while into it (when the serving region's compensations are retrying) that region is killed -9 for
   * `compensationKillDownMs`, then restarted (into the outage, or with the provider back, as the drawn
   * times fall).
   */
  compensationOutageMs: Range;
  compensationKillAfterMs: Range;
  compensationKillDownMs: number;
  afterCompensationRestartMs: number;
  /**
   * Pairs of requests with one Idempotency-Key sent to two regions directly while the link is cut: the
   * same order for a plentiful SKU (both can confirm), a declined card (neither can) and `twinSku` in a
   * quantity only `twinStockRegion` holds (one confirms, the other fails out of stock).
   */
  twinPairs: number;
  twinSku: string;
  twinStockRegion: string;
  /** Every closed order must be settled this long after the provider is back for good. */
  settleBoundMs: number;
  /** After the load stops, how long clients may still retry orders they had started. */
  drainMs: number;
  convergenceMs: number;
  /**
   * An order the killed region had accepted this long before the kill must have reached the surviving
   * region (replication lag is a few ms under this load); a younger one may legitimately not have.
   */
  replicationGraceMs: number;
  /** Fewer acknowledged orders than this means the invariants were checked on too little to mean anything. */
  minAcknowledged: number;
  /** Each serving phase must acknowledge at least this share of what the load offered in it. */
  minPhaseShare: number;
  /** Hard bound of the whole run, platform start and shutdown included. */
  totalBudgetMs: number;
  restocks: Restock[];
  /** The scarce SKU: left with its demo stock (5 units) so escrow top-ups and out-of-stock failures happen. */
  scarceSku: string;
  /** Where {"passed":N,"failed":M} goes (CI); optional. */
  summaryFile?: string;
  /** Keep the temporary data directory even when every invariant holds. */
  keepData: boolean;
}

/** SKUs restocked generously, so most orders can confirm and failures come from cards, not stock. */
export const PLENTIFUL_SKUS = ['MUG-001', 'NOTE-001', 'TEE-001', 'BAG-001'];

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** `--regions us-east-1,eu-west-1,ap-southeast-2`: two to five distinct names (failover needs a second). */
export function regionList(raw: string | undefined): string[] {
  if (raw === undefined) return ['us-east-1', 'eu-west-1'];
  const regions = raw.split(',').map((region) => region.trim());
  const bad = regions.filter((region) => !REGION_NAME.test(region));
  if (bad.length > 0)
    throw new Error(`--regions: ${bad.map((r) => `"${r}"`).join(', ')} do not look like us-east-1`);
  if (new Set(regions).size !== regions.length) throw new Error('--regions: a region is named twice');
  if (regions.length < 2 || regions.length > 5)
    throw new Error(`--regions: expected two to five regions, got ${regions.length}`);
  return regions;
}

export const CHAOS_USAGE = `usage: npm run chaos -- [options]
  --seed N            the seed that times the faults (default: from the clock; printed at the start)
  --regions a,b[,c]   two to five regions (default us-east-1,eu-west-1)
  --rate N            orders per second, 1-40 (default 30)
  --clients N         concurrent customers, 1-32 (default 12)
  --summary FILE      also write the result as JSON to FILE
  --keep-data         keep the platform's data directory after the run
  --skip-freeze       leave out the phase that freezes the serving region
  --help, -h          this text`;

/** Reads the scenario from the command line (`npm run chaos -- --seed 7 --rate 30`). */
export function scenarioFromArgs(argv: readonly string[]): ChaosScenario {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      seed: { type: 'string' },
      regions: { type: 'string' },
      rate: { type: 'string' },
      clients: { type: 'string' },
      summary: { type: 'string' },
      'keep-data': { type: 'boolean', default: false },
      'skip-freeze': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const number = (raw: string | undefined, fallback: number, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max)
      throw new Error(`expected an integer from ${min} to ${max}, got ${raw}`);
    return parsed;
  };
  const regions = regionList(values.regions);
  return {
    regions,
    seed: number(values.seed, Math.floor(Date.now() % 1_000_000), 0, 2 ** 31 - 1),
    // Bounded load: at most 40 orders/s and 32 clients, whatever is asked for.
    ordersPerSecond: number(values.rate, 30, 1, 40),
    clients: number(values.clients, 12, 1, 32),
    warmUpMs: 12_000,
    slowProviderLeadMs: 3_000,
    // Under the provider client's 2 s timeout: sagas slow down, they do not fail.
    slowProviderLatencyMs: 800,
    regionDownMs: 12_000,
    afterRestartMs: 6_000,
    partitionMs: 20_000,
    // Well past the front door's 3 s proxy timeout (apps/local/src/front-door/front-door.ts), so it gives
    // up on the frozen region and sends requests to the other one.
    freezeMs: values['skip-freeze'] ? 0 : 12_000,
    afterThawMs: 6_000,
    // Closes before the compensation outage begins, at the end of the link cut (which waits for it anyway).
    providerWindowMs: 40_000,
    providerKillDownMs: { min: 3_000, max: 10_000 },
    providerErrorBurstMs: { min: 3_000, max: 10_000 },
    // Long enough, at its upper end, for a saga's forward retries to give up while their calls still land.
    providerLatencyFaultMs: { min: 4_000, max: 15_000 },
    providerLatencyMs: { min: 2_500, max: 4_000 },
    compensationOutageMs: { min: 3_000, max: 120_000 },
    // A saga's forward retries (3 × 200 ms locally) fail first, then its compensations retry.
    compensationKillAfterMs: { min: 1_500, max: 6_000 },
    compensationKillDownMs: 8_000,
    afterCompensationRestartMs: 6_000,
    twinPairs: 12,
    twinSku: 'GLOBE-001',
    twinStockRegion: regions[0] as string,
    settleBoundMs: 90_000,
    drainMs: 15_000,
    convergenceMs: 60_000,
    replicationGraceMs: 1_000,
    // A normal run acknowledges about 2,500 orders.
    minAcknowledged: 100,
    minPhaseShare: 0.2,
    totalBudgetMs: 300_000,
    restocks: [
      ...PLENTIFUL_SKUS.map((sku) => ({ sku, quantity: 2000 })),
      // Only the first region can sell the same-key pairs' large quantity of the twin SKU (see twinQuantity).
      { sku: 'GLOBE-001', quantity: 400, onlyIn: regions[0] as string },
    ],
    scarceSku: 'CLOCK-001',
    ...(values.summary ? { summaryFile: values.summary } : {}),
    keepData: values['keep-data'] ?? false,
  };
}
