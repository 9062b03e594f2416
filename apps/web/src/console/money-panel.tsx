import { ReconcilerPanel } from './reconciler-panel';
import { RegionMoney } from './region-money';
import { SettlementsPanel } from './settlements-panel';

/**
 * Money is settled, never dropped: what closed orders still owe in each region, the serving region's owed
 * settlements, and the payment reconciler that checks the provider's ledger against the orders.
 */
export function MoneyPanel({ token }: { token: string }) {
  return (
    <>
      <RegionMoney token={token} />
      <SettlementsPanel token={token} />
      <ReconcilerPanel token={token} />
    </>
  );
}
