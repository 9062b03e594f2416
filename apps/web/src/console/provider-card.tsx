import { controlStatus } from '../api/front-door-api';
import { ProblemError } from '../api/problem';
import { ResourceProblem } from '../ui/resource-problem';
import { useResource } from '../ui/use-resource';
import { describeAction, type RegionControls } from './region-controls';

/** The launcher answers from memory; once a second shows a kill or start as it happens. */
const CONTROL_POLL_MS = 1000;
const KILL = { kind: 'kill-provider' } as const;
const START = { kind: 'start-provider' } as const;

/**
 * The payment provider simulator as the launcher supervises it (local mode): running or stopped, and a
 * real SIGKILL / a start that waits until it is healthy, like the regions' buttons.
 */
export function ProviderCard({ token, controls }: { token: string; controls: RegionControls }) {
  const status = useResource('control-status', (signal) => controlStatus(token, signal), {
    intervalMs: CONTROL_POLL_MS,
  });
  if (status.error instanceof ProblemError && status.error.isNotAvailable) {
    return (
      <p className="notice-muted">
        Payment provider status is not available: this front door has no control endpoints.
      </p>
    );
  }
  const provider = status.data?.provider;
  const busy = controls.pending !== undefined;
  // Shows the outcome at once rather than at the next poll.
  const run = (action: typeof KILL | typeof START) => void controls.run(action).then(status.reload);
  return (
    <article
      className={`card region-card provider-card ${provider?.running === false ? 'region-down' : 'region-up'}`}
      aria-labelledby="provider-title"
    >
      <h3 id="provider-title">Payment provider</h3>
      <ResourceProblem resource={status} action="Reading the launcher's status" />
      {provider ? (
        <>
          <p className={provider.running ? 'health health-ok' : 'health health-bad'}>
            <span aria-hidden="true">{provider.running ? '●' : '■'}</span>{' '}
            {provider.running ? 'Running' : 'Stopped'}
          </p>
          <dl className="facts">
            <dt>Address</dt>
            <dd>{provider.url}</dd>
            <dt>Process</dt>
            <dd>{provider.pid === null ? 'none' : `pid ${provider.pid}`}</dd>
          </dl>
          {provider.running ? null : (
            <p className="muted">
              Payments are retried while it is stopped; refunds and releases that closed orders could not make
              are owed and settled once it is back (see Money).
            </p>
          )}
        </>
      ) : status.data ? (
        <p className="muted">This launcher does not report the payment provider.</p>
      ) : null}
      {controls.unavailable ? null : (
        <div className="actions">
          <button type="button" className="button button-danger" disabled={busy} onClick={() => run(KILL)}>
            {describeAction(KILL)}
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={busy}
            onClick={() => run(START)}
          >
            {describeAction(START)}
          </button>
        </div>
      )}
    </article>
  );
}
