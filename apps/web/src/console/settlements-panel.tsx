import { listOwedSettlements, SETTLEMENTS_PAGE } from '../api/money-api';
import type { Settlement } from '../api/types';
import { Link } from '../router/link';
import { EmptyState, Loading } from '../ui/async-states';
import { formatDateTime, formatDuration, formatTime, shortOrderId } from '../ui/format';
import { ResourceProblem } from '../ui/resource-problem';
import { useResource } from '../ui/use-resource';
import { owedNames } from './money-text';

/** The sweep tries due settlements every second locally; each order backs off on its own to 30 s. */
export const SETTLEMENTS_POLL_MS = 3000;

function nextAttempt(settlement: Settlement, now: number): string {
  const due = Date.parse(settlement.nextAttemptAt) - now;
  return due <= 0 ? 'due now' : `${formatTime(settlement.nextAttemptAt)} (in ${formatDuration(due)})`;
}

/** The answering region's closed orders that still owe a compensation, soonest due first. */
export function SettlementsPanel({ token }: { token: string }) {
  const settlements = useResource('owed-settlements', (signal) => listOwedSettlements(token, signal), {
    intervalMs: SETTLEMENTS_POLL_MS,
  });
  const answer = settlements.data;
  const items = answer?.data.items ?? [];
  const region = answer?.region ?? items[0]?.region;
  const now = Date.now();
  return (
    <section aria-labelledby="settlements-title" className="panel">
      <h2 id="settlements-title">Owed settlements{region ? ` in ${region}` : ''}</h2>
      <p className="muted">
        Orders that closed FAILED or CANCELLED while a compensation could not finish. The settlement sweep
        retries each one, backing off, until it succeeds. Each region lists its own orders; this list is the
        region serving now.
      </p>
      <ResourceProblem resource={settlements} action="Reading owed settlements" />
      {settlements.loading && !answer ? <Loading label="Reading owed settlements…" /> : null}
      {answer && items.length === 0 ? (
        <EmptyState title="Nothing is owed.">
          <p>Every closed order{region ? ` of ${region}` : ''} has been settled.</p>
        </EmptyState>
      ) : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Owed settlements, soonest due first</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Owed</th>
                <th scope="col">Since</th>
                <th scope="col">Attempts</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {items.map((settlement) => (
                <tr key={settlement.orderId} aria-label={settlement.orderId}>
                  <th scope="row">
                    <Link to={`/orders/${encodeURIComponent(settlement.orderId)}`}>
                      <code title={settlement.orderId}>{shortOrderId(settlement.orderId)}</code>
                    </Link>
                  </th>
                  <td>{owedNames(settlement.owed)}</td>
                  <td>
                    {formatDateTime(settlement.since)}{' '}
                    <span className="small muted">
                      ({formatDuration(Math.max(0, now - Date.parse(settlement.since)))})
                    </span>
                  </td>
                  <td>{settlement.attempts}</td>
                  <td>{nextAttempt(settlement, now)}</td>
                  <td className="error-text wrap">{settlement.lastError ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {answer?.data.nextCursor ? (
        <p className="muted">Showing the {SETTLEMENTS_PAGE} due soonest; more are owed.</p>
      ) : null}
    </section>
  );
}
