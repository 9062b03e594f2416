import { useState } from 'react';
import { getReconciliation, runReconciler } from '../api/money-api';
import { ProblemError } from '../api/problem';
import type { ReconciliationReport } from '../api/types';
import { Loading } from '../ui/async-states';
import { ProblemMessage } from '../ui/problem-message';
import { ResourceProblem } from '../ui/resource-problem';
import { useResource } from '../ui/use-resource';
import { ReconciliationReportView } from './reconciliation-report-view';

/** The local reconciler runs every 5 s. */
export const RECONCILIATION_POLL_MS = 5000;

/**
 * The answering region's payment reconciler: its last pass, and a button that runs one now (local
 * mode; on AWS it runs on a schedule and the route answers 404).
 */
export function ReconcilerPanel({ token }: { token: string }) {
  const reconciliation = useResource('reconciliation', (signal) => getReconciliation(token, signal), {
    intervalMs: RECONCILIATION_POLL_MS,
  });
  const [running, setRunning] = useState(false);
  const [ran, setRan] = useState<ReconciliationReport | undefined>();
  const [error, setError] = useState<unknown>();
  const [unavailable, setUnavailable] = useState(false);

  const runNow = async () => {
    setRunning(true);
    setError(undefined);
    try {
      setRan(await runReconciler(token));
      reconciliation.reload();
    } catch (failure) {
      if (failure instanceof ProblemError && failure.isNotAvailable) setUnavailable(true);
      else setError(failure);
    } finally {
      setRunning(false);
    }
  };

  const answer = reconciliation.data;
  const region = answer?.region ?? answer?.data.report?.region;
  return (
    <section aria-labelledby="reconciler-title" className="panel">
      <h2 id="reconciler-title">Payment reconciler{region ? ` in ${region}` : ''}</h2>
      <p className="muted">
        Compares the payment provider's ledger with the region's orders: voids what closed orders still hold,
        refunds what they captured, never captures. Open orders are watched until they close.
      </p>
      <ResourceProblem resource={reconciliation} action="Reading the reconciler's report" />
      {reconciliation.loading && !answer ? <Loading label="Reading the reconciler's report…" /> : null}
      {answer ? (
        <>
          <p>
            Watching <strong>{answer.data.watching}</strong> open{' '}
            {answer.data.watching === 1 ? 'order' : 'orders'}.
          </p>
          {answer.data.report ? (
            <ReconciliationReportView report={answer.data.report} showRecent />
          ) : (
            <p className="muted">No pass has run yet.</p>
          )}
        </>
      ) : null}
      {unavailable ? (
        <p className="notice-muted" role="status">
          Running the reconciler on demand is not available in this deployment: it runs on a schedule there.
        </p>
      ) : (
        <div className="actions">
          <button type="button" className="button" disabled={running} onClick={() => void runNow()}>
            {running ? 'Running the reconciler…' : 'Run the reconciler now'}
          </button>
        </div>
      )}
      {error ? <ProblemMessage error={error} action="Running the reconciler" /> : null}
      {ran ? (
        <section aria-labelledby="ran-title" className="card" aria-live="polite">
          <h3 id="ran-title">The pass you ran</h3>
          <ReconciliationReportView report={ran} showRecent={false} />
        </section>
      ) : null}
    </section>
  );
}
