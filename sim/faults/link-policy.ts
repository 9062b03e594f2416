import type { Prng } from '../kernel/prng';
import type { Scheduler } from '../kernel/scheduler';
import type { LinkPolicy, MessageFate } from '../network/network';
import { active, type FaultPlan } from './fault-plan';

/** Typical one-way latency (ms) between two kinds of process: [minimum, mean of the tail above it]. */
function latencyOf(from: string, to: string, regions: ReadonlySet<string>): [number, number] {
  const kinds = [kindOf(from, regions), kindOf(to, regions)].sort().join('-');
  switch (kinds) {
    case 'clients-front-door':
      return [5, 15];
    case 'clients-region':
      return [20, 40];
    case 'front-door-region':
      return [1, 25];
    case 'region-region':
      return [40, 30];
    default:
      return [5, 20];
  }
}

function kindOf(process: string, regions: ReadonlySet<string>): string {
  if (regions.has(process)) return 'region';
  if (process === 'clients' || process === 'front-door') return process;
  return 'service';
}

/**
 * The network's behaviour from the fault plan: latency with a long tail (so messages overtake each
 * other), loss and duplication until the heal, loss bursts, partitions, and a slow provider or carrier
 * whose answers arrive after the caller has given up (the effect applied, the answer lost).
 */
export function linkPolicy(options: {
  plan: FaultPlan;
  scheduler: Scheduler;
  prng: Prng;
  regions: readonly string[];
  provider: string;
  carrier: string;
  latency: boolean;
}): LinkPolicy {
  const { plan, scheduler, prng } = options;
  const regions = new Set(options.regions);
  const latencies = new Map<string, [number, number]>();
  return (from, to, kind): MessageFate => {
    const at = scheduler.elapsed;
    const healed = at >= plan.healAtMs;
    const link = `${from}>${to}`;
    let latency = latencies.get(link);
    if (!latency) {
      latency = latencyOf(from, to, regions);
      latencies.set(link, latency);
    }
    const [minimum, tail] = latency;
    let latencyMs = options.latency ? minimum + Math.min(prng.exponential(tail), tail * 20) : 1;
    if (!healed) {
      for (const partition of plan.partitions) {
        if (!active(partition, at)) continue;
        const [a, b] = partition.between;
        if ((a.includes(from) && b.includes(to)) || (a.includes(to) && b.includes(from)))
          return { lost: true, latencyMs };
      }
      for (const burst of plan.lossBursts) {
        if (active(burst, at) && (burst.process === from || burst.process === to) && prng.chance(burst.rate))
          return { lost: true, latencyMs };
      }
      if (plan.baseLoss > 0 && prng.chance(plan.baseLoss)) return { lost: true, latencyMs };
      if (kind === 'response') {
        const slow =
          from === options.provider ? plan.providerSlow : from === options.carrier ? plan.carrierSlow : [];
        for (const window of slow) if (active(window, at)) latencyMs += window.extraMs;
      }
    }
    const duplicate =
      !healed && kind === 'request' && plan.baseDuplication > 0 && prng.chance(plan.baseDuplication)
        ? { duplicateAfterMs: prng.between(0, 200) }
        : {};
    return { lost: false, latencyMs, ...duplicate };
  };
}
