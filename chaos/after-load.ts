import { waitForConvergence } from './convergence';
import type { InvariantResult } from './invariant';
import { type Progress, sleep } from './progress';
import type { ProviderFaultRecord } from './provider-faults';
import type { RegionReader } from './region-reader';
import { type SettlementWait, waitForSettlement } from './settlement-wait';

/** When the last provider fault ended; null when none happened or one never ended. */
export function providerBackForGood(faults: readonly ProviderFaultRecord[]): number | null {
  if (faults.length === 0 || faults.some((fault) => fault.until === null)) return null;
  return Math.max(...faults.map((fault) => fault.until ?? 0));
}

export interface AfterLoad {
  convergedRow: InvariantResult;
  convergenceMs: number | null;
  providerBackAt: number | null;
  settlement: SettlementWait | null;
}

/**
 * Once the load has stopped: waits for convergence, then for the provider to be back for good (an
 * outage may outlast the load; what the regions owe is printed meanwhile), then for every closed order
 * to settle (at most `settleBoundMs` after that), then for the settlements to replicate.
 */
export async function convergeAndSettle(options: {
  readers: readonly RegionReader[];
  dataDir: string;
  acknowledged: ReadonlySet<string>;
  convergenceMs: number;
  providerBack: Promise<void>;
  providerFaults: readonly ProviderFaultRecord[];
  settleBoundMs: number;
  /** The latest the settling may wait until, whatever the bound (the run's own budget ends after it). */
  waitAtMostUntil: number;
  paymentsUrl: string;
  paymentsApiKey: string;
  progress: Progress;
}): Promise<AfterLoad> {
  const { readers, dataDir, progress } = options;
  progress.phase(`wait for convergence (at most ${options.convergenceMs / 1000} s)`);
  const convergence = await waitForConvergence({
    readers,
    dataDir,
    acknowledged: options.acknowledged,
    timeoutMs: options.convergenceMs,
    progress,
  });
  progress.info(
    convergence.converged
      ? `converged after ${convergence.elapsedMs} ms`
      : `NOT converged: ${convergence.reasons.join('; ')}`,
  );

  progress.phase('wait until the payment provider is back for good');
  let back = false;
  void options.providerBack.then(() => {
    back = true;
  });
  while (!back) {
    await Promise.race([options.providerBack, sleep(10_000)]);
    if (back) break;
    const owed = await Promise.all(
      readers.map((reader) =>
        reader.status().then(
          (status) => `${reader.region} owes ${status.settlement?.owed ?? '?'}`,
          () => `${reader.region} unreadable`,
        ),
      ),
    );
    progress.info(`the provider is still down: ${owed.join(', ')}`);
  }
  const providerBackAt = providerBackForGood(options.providerFaults);
  let settlement: SettlementWait | null = null;
  if (providerBackAt !== null) {
    progress.phase(`wait until every closed order is settled (at most ${options.settleBoundMs / 1000} s)`);
    settlement = await waitForSettlement({
      readers,
      dataDir,
      paymentsUrl: options.paymentsUrl,
      paymentsApiKey: options.paymentsApiKey,
      deadline: Math.min(providerBackAt + options.settleBoundMs, options.waitAtMostUntil),
      progress,
    });
    progress.info(
      settlement.settledSeenAt === null
        ? `NOT settled: ${settlement.remaining.length} closed orders`
        : `settled ${settlement.settledSeenAt - providerBackAt} ms after the provider was back`,
    );
  } else progress.warn('the payment provider was never brought back for good');

  progress.phase('wait until the settlements have replicated');
  const again = await waitForConvergence({
    readers,
    dataDir,
    acknowledged: options.acknowledged,
    timeoutMs: 30_000,
    progress,
  });
  const convergedRow: InvariantResult = {
    name: `converged within ${options.convergenceMs / 1000} s, and again once settled`,
    passed: convergence.converged && again.converged,
    summary: convergence.converged
      ? `${convergence.elapsedMs} ms; after settlement ${again.converged ? `${again.elapsedMs} ms` : `not: ${again.reasons.slice(0, 3).join('; ')}`}`
      : convergence.reasons.slice(0, 3).join('; '),
  };
  return {
    convergedRow,
    convergenceMs: convergence.converged ? convergence.elapsedMs : null,
    providerBackAt,
    settlement,
  };
}
