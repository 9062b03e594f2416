import { describe, expect, it } from 'vitest';
import { planFaults } from './fault-plan';
import { scenarioFromArgs } from './scenario';

const SEEDS = Array.from({ length: 200 }, (_, index) => index * 7919 + 1);

describe('planFaults', () => {
  it('draws the same plan from the same seed, and another from another seed', () => {
    const scenario = scenarioFromArgs(['--seed', '42']);
    expect(planFaults(scenario)).toEqual(planFaults(scenario));
    expect(planFaults(scenarioFromArgs(['--seed', '43']))).not.toEqual(planFaults(scenario));
  });

  it('places each provider fault once, inside its window, one after another, within its ranges', () => {
    for (const seed of SEEDS) {
      const scenario = scenarioFromArgs(['--seed', String(seed)]);
      const { providerTrack } = planFaults(scenario);
      expect(providerTrack.map((fault) => fault.kind).sort()).toEqual(['errors', 'kill', 'latency']);
      let freeFrom = 0;
      for (const fault of providerTrack) {
        expect(fault.atMs).toBeGreaterThanOrEqual(freeFrom);
        freeFrom = fault.atMs + fault.durationMs;
        const range =
          fault.kind === 'kill'
            ? scenario.providerKillDownMs
            : fault.kind === 'errors'
              ? scenario.providerErrorBurstMs
              : scenario.providerLatencyFaultMs;
        expect(fault.durationMs).toBeGreaterThanOrEqual(range.min);
        expect(fault.durationMs).toBeLessThanOrEqual(range.max);
        if (fault.kind === 'latency') {
          // Past the regions' 2 s client timeout: the answer is lost after the effect applied.
          expect(fault.latencyMs).toBeGreaterThan(2_000);
          expect(fault.latencyMs).toBeLessThanOrEqual(scenario.providerLatencyMs.max);
        } else expect(fault.latencyMs).toBeUndefined();
      }
      expect(freeFrom).toBeLessThanOrEqual(scenario.providerWindowMs);
    }
  });

  it('kills the region inside the compensation outage, whose length spans 3 to 120 s over the seeds', () => {
    const lengths: number[] = [];
    for (const seed of SEEDS) {
      const { compensationOutage } = planFaults(scenarioFromArgs(['--seed', String(seed)]));
      lengths.push(compensationOutage.durationMs);
      expect(compensationOutage.durationMs).toBeGreaterThanOrEqual(3_000);
      expect(compensationOutage.durationMs).toBeLessThanOrEqual(120_000);
      expect(compensationOutage.killAfterMs).toBeGreaterThanOrEqual(1_500);
      expect(compensationOutage.killAfterMs).toBeLessThan(compensationOutage.durationMs);
    }
    expect(Math.min(...lengths)).toBeLessThan(15_000);
    expect(Math.max(...lengths)).toBeGreaterThan(100_000);
  });

  it('sends every same-key pair to two distinct regions inside the link cut, a stock pair always to the stocked region', () => {
    for (const regions of ['us-east-1,eu-west-1', 'us-east-1,eu-west-1,ap-southeast-2']) {
      for (const seed of SEEDS.slice(0, 50)) {
        const scenario = scenarioFromArgs(['--seed', String(seed), '--regions', regions]);
        const { twins } = planFaults(scenario);
        expect(twins).toHaveLength(scenario.twinPairs);
        expect(new Set(twins.map((twin) => twin.kind))).toEqual(
          new Set(['both-can-confirm', 'declined', 'one-region-has-stock']),
        );
        for (const twin of twins) {
          expect(twin.first).not.toBe(twin.second);
          expect(scenario.regions).toContain(twin.first);
          expect(scenario.regions).toContain(twin.second);
          expect(twin.atMs + twin.gapMs).toBeLessThan(scenario.partitionMs);
          if (twin.kind === 'one-region-has-stock')
            expect([twin.first, twin.second]).toContain(scenario.twinStockRegion);
          if (twin.ship) expect(twin.kind).toBe('both-can-confirm');
        }
        // Half the pairs that can confirm twice are shipped before the heal.
        const canConfirm = twins.filter((twin) => twin.kind === 'both-can-confirm');
        expect(canConfirm.filter((twin) => twin.ship)).toHaveLength(canConfirm.length / 2);
      }
    }
  });

  it('refuses a window too short for the longest faults', () => {
    const scenario = { ...scenarioFromArgs(['--seed', '1']), providerWindowMs: 5_000 };
    expect(() => planFaults(scenario)).toThrow(/more than their 5000 ms window/);
  });
});
