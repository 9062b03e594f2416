import type { Prng } from '../kernel/prng';
import { type FaultKind, type FaultPlan, MINUTE, type Window } from './fault-types';

/**
 * The fault a long run idles through, from while orders flow until the run's faults end: the provider
 * answering 503 while compensations are owed (and, now and then, a region killed and restarted
 * meanwhile), a region cut off from the provider or from its peers, the operator's link cut, or the
 * carrier down. It replaces the shorter faults of its kind it overlaps (each kind is one switch). Its
 * parameters are drawn whatever kinds are left out, so leaving one out changes nothing else.
 */
export function longFault(options: {
  prng: Prng;
  on: (kind: FaultKind) => boolean;
  from: number;
  until: number;
  regions: readonly string[];
  provider: string;
  into: Pick<FaultPlan, 'providerOutages' | 'partitions' | 'linkCuts' | 'carrierOutages' | 'crashes'>;
}): void {
  const { prng, on, from, until, regions, into } = options;
  const drawn = prng.pick([
    'provider-outage',
    'provider-outage',
    'partition',
    'link-cut',
    'carrier-outage',
  ] as const);
  const errorRate = prng.pick([1, 1, 0.9, 0.7]);
  const region = prng.pick(regions);
  const cutFrom = prng.pick(['provider', 'peers'] as const);
  const crash = {
    chance: prng.chance(0.5),
    afterMs: prng.logUniform(1_000, 10 * MINUTE),
    downForMs: prng.logUniform(500, 30 * MINUTE),
  };
  const kinds = ['provider-outage', 'partition', 'link-cut', 'carrier-outage'] as const;
  const kind = on(drawn) ? drawn : kinds.find(on);
  const window = { from, until };
  const apart = (other: Window) => other.until <= from || other.from >= until;
  switch (kind) {
    case 'provider-outage': {
      into.providerOutages.splice(0, Infinity, ...into.providerOutages.filter(apart), {
        ...window,
        errorRate,
      });
      // A region killed while its compensations retry against the provider, and started again while the
      // provider is still down: it must pick up what it owes from its database.
      const at = from + crash.afterMs;
      const overlaps = into.crashes.some(
        (other) =>
          other.process === regions[0] &&
          at < other.at + other.downForMs + 1_000 &&
          other.at < at + crash.downForMs + 1_000,
      );
      if (on('region-crash') && crash.chance && at + crash.downForMs < until && !overlaps)
        into.crashes.push({ process: regions[0] as string, at, downForMs: crash.downForMs });
      return;
    }
    case 'partition': {
      const others = cutFrom === 'peers' ? regions.filter((other) => other !== region) : [options.provider];
      into.partitions.push({ ...window, between: [[region], others] });
      return;
    }
    case 'link-cut':
      into.linkCuts.splice(0, Infinity, ...into.linkCuts.filter(apart), window);
      return;
    case 'carrier-outage':
      into.carrierOutages.splice(0, Infinity, ...into.carrierOutages.filter(apart), window);
      return;
    default:
      return;
  }
}
