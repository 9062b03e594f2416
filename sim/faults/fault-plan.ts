import type { Prng } from '../kernel/prng';

import {
  type Crash,
  type FaultKind,
  type FaultPlan,
  type Freeze,
  type LossBurst,
  MINUTE,
  type Partition,
  type Timings,
  type Window,
} from './fault-types';
import { longFault } from './long-fault';

export * from './fault-types';

/** Draws a run's faults from its seed. Regions, the provider and the carrier are process names. */
export function drawFaultPlan(options: {
  prng: Prng;
  regions: readonly string[];
  provider: string;
  carrier: string;
  frontDoor: string;
  enabled: ReadonlySet<FaultKind>;
}): FaultPlan {
  const { prng, regions, enabled } = options;
  const on = (kind: FaultKind) => enabled.has(kind);
  const workloadMs = prng.int(2, 12) * MINUTE;
  // Most runs go on for hours: one fault outlasts the orders by 30 minutes to 4 hours (see `longFault`),
  // and the platform idles through it at a scheduled function's rhythm. The rest are short and busy, at
  // any rhythm, local mode's one-second sweeps included.
  const long = prng.chance(0.8);
  const faultsEndMs =
    workloadMs + (long ? prng.logUniform(30 * MINUTE, 240 * MINUTE) : prng.int(1, 8) * MINUTE);
  // Most faults start while orders flow; the rest anywhere until the faults end.
  const window = (minMs: number, maxMs: number): Window => {
    const from = prng.between(0, prng.chance(0.7) ? workloadMs : faultsEndMs);
    return { from, until: Math.min(faultsEndMs, from + prng.logUniform(minMs, maxMs)) };
  };
  // Some runs are calm, some are storms: the intensity scales how many faults of each kind are drawn.
  const intensity = prng.pick([0.25, 0.5, 1, 1]);
  const count = (kind: FaultKind, max: number) => (on(kind) ? Math.round(prng.int(0, max) * intensity) : 0);

  // Local mode's defaults (1 s sweeps and pulls, 5 s reconciler) in some short runs, a scheduled
  // function's rhythm in the others: the platform must hold with either. The long runs keep the slower
  // rhythms (Route 53's 10 or 30 s health checks, sweeps of a scheduled function), which is what lets an
  // idle hour cost little.
  const timings: Timings = long
    ? {
        healthIntervalMs: prng.pick([10_000, 30_000, 30_000]),
        settlementIntervalMs: prng.pick([15_000, 30_000, 60_000]),
        duplicateIntervalMs: prng.pick([15_000, 30_000, 60_000]),
        reconcilerIntervalMs: prng.pick([30_000, 60_000]),
        replicationWaitMs: 30_000,
      }
    : {
        healthIntervalMs: prng.pick([2_000, 5_000, 10_000, 10_000, 30_000]),
        settlementIntervalMs: prng.pick([1_000, 5_000, 15_000, 15_000, 30_000, 30_000, 60_000, 60_000]),
        duplicateIntervalMs: prng.pick([1_000, 5_000, 15_000, 15_000, 30_000, 30_000, 60_000, 60_000]),
        reconcilerIntervalMs: prng.pick([5_000, 30_000, 60_000, 60_000]),
        replicationWaitMs: prng.pick([5_000, 25_000, 25_000]),
      };

  const skewMs: Record<string, number> = {};
  for (const region of regions) {
    skewMs[region] = !on('clock-skew')
      ? 0
      : prng.chance(0.1)
        ? prng.pick([-1, 1]) * prng.int(30_000, 120_000)
        : prng.int(-2_000, 2_000);
  }

  const clockSteps: FaultPlan['clockSteps'] = [];
  for (let i = count('clock-skew', 2); i > 0; i--)
    clockSteps.push({
      process: prng.pick(regions),
      at: prng.between(0, faultsEndMs),
      byMs: prng.pick([-1, 1]) * prng.logUniform(100, 60_000),
    });

  const crashes: Crash[] = [];
  for (let i = count('region-crash', 4); i > 0; i--) {
    const region = prng.pick(regions);
    const at = prng.between(0, faultsEndMs);
    const downForMs = prng.logUniform(500, 30 * MINUTE);
    const overlaps = crashes.some(
      (other) =>
        other.process === region &&
        at < other.at + other.downForMs + 1_000 &&
        other.at < at + downForMs + 1_000,
    );
    if (!overlaps) crashes.push({ process: region, at, downForMs });
  }
  for (let i = count('provider-crash', 2); i > 0; i--) {
    const at = prng.between(0, faultsEndMs);
    const downForMs = prng.logUniform(500, 20 * MINUTE);
    const overlaps = crashes.some(
      (other) =>
        other.process === options.provider &&
        at < other.at + other.downForMs + 1_000 &&
        other.at < at + downForMs + 1_000,
    );
    if (!overlaps) crashes.push({ process: options.provider, at, downForMs });
  }

  const freezes: Freeze[] = [];
  for (let i = count('region-freeze', 3); i > 0; i--)
    freezes.push({
      process: prng.pick(regions),
      at: prng.between(0, workloadMs),
      forMs: prng.logUniform(200, 60_000),
    });

  const partitions: Partition[] = [];
  for (let i = count('partition', 3); i > 0; i--) {
    const region = prng.pick(regions);
    const kind = prng.pick(['peers', 'peers', 'provider', 'carrier', 'front-door'] as const);
    const others =
      kind === 'peers'
        ? regions.filter((other) => other !== region)
        : kind === 'provider'
          ? [options.provider]
          : kind === 'carrier'
            ? [options.carrier]
            : [options.frontDoor];
    if (others.length === 0) continue;
    partitions.push({ ...window(1_000, 120 * MINUTE), between: [[region], others] });
  }

  const lossBursts: LossBurst[] = [];
  for (let i = count('loss', 2); i > 0; i--) {
    lossBursts.push({
      ...window(500, 2 * MINUTE),
      process: prng.pick([...regions, options.provider, options.carrier, options.frontDoor]),
      rate: prng.between(0.2, 0.9),
    });
  }

  const slow = (kind: FaultKind) => {
    const windows: Array<Window & { extraMs: number }> = [];
    for (let i = count(kind, 2); i > 0; i--)
      windows.push({ ...window(2_000, 20 * MINUTE), extraMs: prng.logUniform(1_000, 8_000) });
    return windows;
  };
  const outages = (kind: FaultKind, maxMs: number) => {
    const windows: Window[] = [];
    for (let i = count(kind, 2); i > 0; i--) windows.push(window(1_000, maxMs));
    return windows;
  };

  const providerOutages = outages('provider-outage', 60 * MINUTE).map((outage) => ({
    ...outage,
    errorRate: prng.pick([1, 1, 0.9, 0.7, 0.4]),
  }));
  const providerSlow = slow('provider-slow');
  // The narrow windows that matter most: a region killed while its compensations retry against a
  // provider in trouble (answering 503, too slow, or down), and restarted once it answers again.
  const troubles: Array<Window & { region?: string }> = [
    ...providerOutages,
    ...providerSlow,
    ...crashes
      .filter((crash) => crash.process === options.provider)
      .map((crash) => ({ from: crash.at, until: crash.at + crash.downForMs })),
    ...partitions
      .filter((partition) => partition.between[1].includes(options.provider))
      .map((partition) => ({ ...partition, region: partition.between[0][0] as string })),
  ];
  if (on('region-crash'))
    for (const trouble of troubles) {
      if (!prng.chance(0.6)) continue;
      // The region cut off from the provider, or the one most orders reach (the front door's primary).
      const region = trouble.region ?? (prng.chance(0.7) ? (regions[0] as string) : prng.pick(regions));
      const at = Math.min(trouble.until, trouble.from + prng.logUniform(1_000, 120_000));
      const downForMs = trouble.until - at + prng.logUniform(500, 5 * MINUTE);
      const overlaps = crashes.some(
        (other) =>
          other.process === region &&
          at < other.at + other.downForMs + 1_000 &&
          other.at < at + downForMs + 1_000,
      );
      if (!overlaps) crashes.push({ process: region, at, downForMs });
    }

  const linkCuts: Window[] = [];
  for (let i = count('link-cut', 1); i > 0; i--) linkCuts.push(window(5_000, 60 * MINUTE));
  const carrierOutages = outages('carrier-outage', 60 * MINUTE);

  if (long)
    longFault({
      prng,
      on,
      from: prng.between(0, workloadMs),
      until: faultsEndMs,
      regions,
      provider: options.provider,
      into: { providerOutages, partitions, linkCuts, carrierOutages, crashes },
    });

  const plan: Omit<FaultPlan, 'healAtMs'> = {
    workloadMs,
    skewMs,
    clockSteps,
    linkCuts,
    crashes,
    freezes,
    partitions,
    lossBursts,
    baseLoss: on('loss') ? prng.pick([0, 0, 0.001, 0.01, 0.03]) : 0,
    baseDuplication: on('duplication') ? prng.pick([0, 0.005, 0.02]) : 0,
    providerOutages,
    providerSlow,
    carrierOutages,
    carrierSlow: slow('carrier-slow'),
    timings,
  };
  const ends = [
    workloadMs,
    ...crashes.map((crash) => crash.at + crash.downForMs),
    ...freezes.map((freeze) => freeze.at + freeze.forMs),
    ...[
      ...linkCuts,
      ...partitions,
      ...lossBursts,
      ...plan.providerOutages,
      ...plan.providerSlow,
      ...plan.carrierOutages,
      ...plan.carrierSlow,
    ].map((entry) => entry.until),
  ];
  return { ...plan, healAtMs: Math.max(...ends) + 1_000 };
}
