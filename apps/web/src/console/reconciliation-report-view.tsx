import type { ReconciliationReport } from '../api/types';
import { formatDuration, formatTime } from '../ui/format';

type Fix = ReconciliationReport['fixed'][number];

/** Amounts are integer minor units; the report does not carry the currency (the demo shop sells in USD). */
function minorUnits(amountMinor: number): string {
  return (amountMinor / 100).toFixed(2);
}

function FixesTable({ fixes, caption }: { fixes: readonly Fix[]; caption: string }) {
  return (
    <div className="table-scroll">
      <table>
        <caption className="small-heading">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Authorization</th>
            <th scope="col">Action</th>
            <th scope="col">Amount</th>
          </tr>
        </thead>
        <tbody>
          {fixes.map((fix) => (
            <tr key={`${fix.authorizationId}-${fix.action}`}>
              <th scope="row">
                <code>{fix.orderId}</code>
              </th>
              <td>
                <code>{fix.authorizationId}</code>
              </td>
              <td>{fix.action}</td>
              <td>{minorUnits(fix.amountMinor)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One reconciler pass: what it read, what it fixed, what it could not fix and why. */
export function ReconciliationReportView({
  report,
  showRecent,
}: {
  report: ReconciliationReport;
  /** The last fixes over earlier passes too (the region's saved report keeps them). */
  showRecent: boolean;
}) {
  const took = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  return (
    <div className="report">
      <p>
        Pass in <strong>{report.region}</strong> at {formatTime(report.finishedAt)} (took{' '}
        {formatDuration(Math.max(0, took))}): read {report.ledgerEntriesRead} ledger entries, checked{' '}
        {report.ordersChecked} orders, fixed {report.fixed.length}, could not fix {report.unresolved.length};{' '}
        {report.waiting} open orders to look at again.
      </p>
      <p className="small muted">
        Over recorded passes: {report.totals.passes} passes, {report.totals.ordersChecked} orders checked,{' '}
        {report.totals.fixed} fixed, {report.totals.unresolved} unresolved.
      </p>
      {report.fixed.length > 0 ? <FixesTable fixes={report.fixed} caption="Fixed in this pass" /> : null}
      {report.unresolved.length > 0 ? (
        <>
          <h4 className="small-heading">Could not fix</h4>
          <ul className="compact-list">
            {report.unresolved.map((item) => (
              <li key={item.orderId} className="error-text">
                <code>{item.orderId}</code>: {item.reason}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {showRecent && report.recentFixes.length > 0 ? (
        <FixesTable fixes={report.recentFixes} caption="Recent fixes" />
      ) : null}
    </div>
  );
}
