import { frontDoorStatus } from '../api/front-door-api';
import { ProblemError } from '../api/problem';
import type { RegionStatus } from '../api/types';
import { Loading } from '../ui/async-states';
import { formatDuration, formatTime } from '../ui/format';
import { ResourceProblem } from '../ui/resource-problem';
import { useResource } from '../ui/use-resource';
import { owedText } from './money-text';

/** Owed counts and the reconciler change at most once a second (sweep) or every 5 s (reconciler). */
export const MONEY_STATUS_POLL_MS = 2000;

function ago(iso: string): string {
  return `${formatTime(iso)} (${formatDuration(Math.max(0, Date.now() - Date.parse(iso)))} ago)`;
}

/** Per region, from the front door: what closed orders still owe, and the payment reconciler's state. */
export function RegionMoney({ token }: { token: string }) {
  const status = useResource('frontdoor-status', (signal) => frontDoorStatus(token, signal), {
    intervalMs: MONEY_STATUS_POLL_MS,
  });
  const notAvailable = status.error instanceof ProblemError && status.error.isNotAvailable;
  return (
    <section aria-labelledby="region-money-title" className="panel">
      <h2 id="region-money-title">By region</h2>
      {notAvailable ? (
        <p className="muted">
          Per-region figures come from the local front door and are not available in this deployment. The
          lists below speak for the region that answers.
        </p>
      ) : (
        <ResourceProblem resource={status} action="Reading the regions' status" />
      )}
      {!status.data && status.loading ? <Loading label="Reading the regions' status…" /> : null}
      {status.data ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Owed settlements and the reconciler, per region</caption>
            <thead>
              <tr>
                <th scope="col">Region</th>
                <th scope="col">Owed settlements</th>
                <th scope="col">Reconciler's last recorded pass</th>
                <th scope="col">Fixed (total)</th>
                <th scope="col">Watching</th>
                <th scope="col">Unresolved</th>
              </tr>
            </thead>
            <tbody>
              {status.data.regions.map((region) => (
                <RegionMoneyRow key={region.name} region={region} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function RegionMoneyRow({ region }: { region: RegionStatus }) {
  const settlement = region.settlement;
  const reconciler = region.reconciliation;
  const notReported = <span className="muted">not reported</span>;
  return (
    <tr aria-label={region.name}>
      <th scope="row">{region.name}</th>
      <td>
        {settlement ? owedText(settlement) : notReported}
        {settlement?.oldestSince ? (
          <span className="small muted"> · since {formatTime(settlement.oldestSince)}</span>
        ) : null}
      </td>
      <td>
        {reconciler ? (reconciler.lastRunAt ? ago(reconciler.lastRunAt) : 'not yet') : notReported}
        {reconciler?.lastError ? (
          <span className="error-text"> · last pass failed: {reconciler.lastError}</span>
        ) : null}
      </td>
      <td>{reconciler ? reconciler.fixedTotal : '—'}</td>
      <td>{reconciler ? `${reconciler.watching} open orders` : '—'}</td>
      <td>
        {!reconciler ? (
          '—'
        ) : reconciler.unresolved.length === 0 ? (
          'none'
        ) : (
          <ul className="compact-list">
            {reconciler.unresolved.map((item) => (
              <li key={item.orderId} className="error-text">
                <code>{item.orderId}</code>: {item.reason}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
