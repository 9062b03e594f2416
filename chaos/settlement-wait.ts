import { takeSnapshot } from './convergence';
import { errorMessage } from './http';
import { finalOrders, type MoneyProblem, moneyByOrder, unsettledClosedOrders } from './invariants-payments';
import { type Progress, sleep } from './progress';
import { type RegionReader, readLedger } from './region-reader';

export interface SettlementWait {
  /** When every closed order was first seen settled (orders and ledger), null if not within the bound. */
  settledSeenAt: number | null;
  /** What was still unsettled at the last look. */
  remaining: MoneyProblem[];
  /** The first look: when it was and how many orders the regions owed together then (null if unreadable). */
  firstLook: { at: number; owed: number | null } | null;
}

/**
 * After the provider is back for good: looks every two seconds until every FAILED or CANCELLED order is
 * settled (each region owes nothing; then, read from the orders and the provider's ledger, no net
 * capture, no live authorization, no settlement PENDING), at most until `deadline` (at least once).
 */
export async function waitForSettlement(options: {
  readers: readonly RegionReader[];
  dataDir: string;
  paymentsUrl: string;
  paymentsApiKey: string;
  deadline: number;
  progress: Progress;
}): Promise<SettlementWait> {
  const { readers, progress } = options;
  let remaining: MoneyProblem[] = [];
  let firstLook: SettlementWait['firstLook'] = null;
  let lastLine = '';
  const say = (line: string) => {
    if (line !== lastLine) progress.info(line);
    lastLine = line;
  };
  for (;;) {
    try {
      const owed = await Promise.all(
        readers.map(
          async (reader) => [reader.region, (await reader.status()).settlement?.owed ?? 0] as const,
        ),
      );
      const total = owed.reduce((sum, [, count]) => sum + count, 0);
      firstLook ??= { at: Date.now(), owed: total };
      if (total > 0) {
        remaining = [];
        say(`settling: ${owed.map(([region, count]) => `${region} owes ${count}`).join(', ')}`);
      } else {
        const [snapshot, ledger] = await Promise.all([
          takeSnapshot(readers, options.dataDir),
          readLedger(options.paymentsUrl, options.paymentsApiKey),
        ]);
        remaining = unsettledClosedOrders(finalOrders({ snapshot }), moneyByOrder(ledger));
        if (remaining.length === 0) return { settledSeenAt: Date.now(), remaining, firstLook };
        say(`settling: nothing owed, but ${remaining.length} closed orders hold money at the provider`);
      }
    } catch (error) {
      firstLook ??= { at: Date.now(), owed: null };
      say(`settling: cannot read the regions or the provider: ${errorMessage(error)}`);
    }
    if (Date.now() + 2000 > options.deadline) return { settledSeenAt: null, remaining, firstLook };
    await sleep(2000);
  }
}
