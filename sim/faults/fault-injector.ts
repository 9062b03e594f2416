import type { Scheduler, SimProcess } from '../kernel/scheduler';
import type { Trace } from '../kernel/trace';
import type { ProviderProcess } from '../world/provider-process';
import type { RegionProcess } from '../world/region-process';
import type { FaultPlan } from './fault-plan';

/**
 * Schedules a fault plan's process faults (kills, restarts, freezes, the provider's 503s, the carrier's
 * outages) and records every fault in the trace; the network reads the link faults from the plan itself.
 */
export function injectFaults(options: {
  /** Where the operator's link switch is kept (a region started while it is cut starts cut). */
  world: { linkCut: boolean };
  plan: FaultPlan;
  scheduler: Scheduler;
  trace: Trace;
  regions: readonly RegionProcess[];
  provider: ProviderProcess;
  carrier: SimProcess;
}): void {
  const { plan, scheduler, trace, regions, provider, carrier } = options;
  const at = (ms: number, text: string, run: () => void) =>
    scheduler.schedule(undefined, ms, () => {
      trace.record(scheduler.elapsed, 'faults', text);
      run();
    });
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  for (const [region, skew] of Object.entries(plan.skewMs))
    if (skew !== 0) trace.record(0, 'faults', `clock of ${region} off by ${skew} ms`);
  for (const crash of plan.crashes) {
    if (crash.process === provider.process.name) {
      at(crash.at, `kill -9 ${provider.process.name} (down ${seconds(crash.downForMs)})`, () =>
        provider.crash(),
      );
      at(crash.at + crash.downForMs, `restart ${provider.process.name}`, () => {
        scheduler.enter(provider.process);
        provider.boot();
      });
      continue;
    }
    const region = regions.find((candidate) => candidate.name === crash.process);
    if (!region) continue;
    at(crash.at, `kill -9 ${region.name} (down ${seconds(crash.downForMs)})`, () => region.crash());
    at(crash.at + crash.downForMs, `restart ${region.name}`, () => {
      scheduler.enter(region.process);
      region.boot();
    });
  }
  for (const freeze of plan.freezes) {
    const region = regions.find((candidate) => candidate.name === freeze.process);
    if (!region) continue;
    at(freeze.at, `freeze ${region.name} for ${seconds(freeze.forMs)} (SIGSTOP)`, () => {
      region.process.frozenUntil = scheduler.now + freeze.forMs;
    });
  }
  for (const step of plan.clockSteps)
    at(
      step.at,
      `clock of ${step.process} steps by ${step.byMs > 0 ? '+' : ''}${Math.round(step.byMs)} ms`,
      () => {},
    );
  const switchLink = (up: boolean) => {
    options.world.linkCut = !up;
    // What the control server's link switch does: each running region's switch, each as that region.
    for (const region of regions)
      scheduler.schedule(undefined, 0, () => {
        if (!region.region) return;
        scheduler.enter(region.process);
        region.region.replication.link.set(up);
      });
  };
  for (const cut of plan.linkCuts) {
    at(cut.from, `operator cuts the link between the regions for ${seconds(cut.until - cut.from)}`, () =>
      switchLink(false),
    );
    at(cut.until, 'operator heals the link', () => switchLink(true));
  }
  for (const partition of plan.partitions) {
    const [a, b] = partition.between;
    at(
      partition.from,
      `partition ${a.join(',')} | ${b.join(',')} for ${seconds(partition.until - partition.from)}`,
      () => {},
    );
    at(partition.until, `heal ${a.join(',')} | ${b.join(',')}`, () => {});
  }
  for (const burst of plan.lossBursts)
    at(
      burst.from,
      `${Math.round(burst.rate * 100)}% loss at ${burst.process} for ${seconds(burst.until - burst.from)}`,
      () => {},
    );
  for (const outage of plan.providerOutages) {
    const share =
      outage.errorRate === 1
        ? 'every payment operation'
        : `${Math.round(outage.errorRate * 100)}% of payment operations`;
    at(outage.from, `provider answers 503 to ${share} for ${seconds(outage.until - outage.from)}`, () => {
      scheduler.enter(provider.process);
      provider.setErrorRate(outage.errorRate);
    });
    at(outage.until, 'provider answers again', () => {
      scheduler.enter(provider.process);
      provider.setErrorRate(0);
    });
  }
  for (const slow of plan.providerSlow)
    at(
      slow.from,
      `provider answers ${seconds(slow.extraMs)} late for ${seconds(slow.until - slow.from)}`,
      () => {},
    );
  for (const outage of plan.carrierOutages) {
    at(outage.from, `carrier down for ${seconds(outage.until - outage.from)}`, () => {
      carrier.up = false;
    });
    at(outage.until, 'carrier up', () => {
      carrier.up = true;
    });
  }
  for (const slow of plan.carrierSlow)
    at(
      slow.from,
      `carrier answers ${seconds(slow.extraMs)} late for ${seconds(slow.until - slow.from)}`,
      () => {},
    );
  at(plan.healAtMs, 'every fault healed', () => {
    carrier.up = true;
  });
}
