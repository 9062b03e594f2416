import { frontDoorStatus } from '../api/front-door-api';
import { ProblemError } from '../api/problem';
import type { FrontDoorStatus, RegionStatus } from '../api/types';
import { useRuntimeConfig } from '../auth/config-context';
import { Loading } from '../ui/async-states';
import { formatDuration } from '../ui/format';
import { ProblemMessage } from '../ui/problem-message';
import { ResourceProblem } from '../ui/resource-problem';
import { useResource } from '../ui/use-resource';
import { owedText } from './money-text';
import { ProviderCard } from './provider-card';
import { describeAction, type RegionControls, useRegionControls } from './region-controls';

/** The front door probes regions every second locally; polling at the same pace shows each flip. */
export const STATUS_POLL_MS = 1000;

function policyText(status: FrontDoorStatus): string {
  return status.policy.kind === 'failover'
    ? `Failover: everything goes to ${status.policy.primary} while it is healthy, otherwise to the next healthy region.`
    : `Home region: each client goes to its home region (default ${status.policy.defaultRegion}) while it is healthy.`;
}

export function RegionsPanel({ token }: { token: string }) {
  const status = useResource('frontdoor-status', (signal) => frontDoorStatus(token, signal), {
    intervalMs: STATUS_POLL_MS,
  });
  const controls = useRegionControls(token);
  const local = useRuntimeConfig().auth.kind === 'local';
  const notAvailable = status.error instanceof ProblemError && status.error.isNotAvailable;
  return (
    <section aria-labelledby="regions-title" className="panel">
      <h2 id="regions-title">Regions</h2>
      {notAvailable ? (
        <p className="muted">
          Front door status is not available in this deployment. On AWS, Route 53 health checks choose the
          serving region; see the CloudWatch dashboard.
        </p>
      ) : null}
      {notAvailable ? null : <ResourceProblem resource={status} action="Reading region health" />}
      {!status.data && status.loading ? <Loading label="Reading region health…" /> : null}
      {status.data ? (
        <>
          <p className="serving" aria-live="polite">
            Serving now: <strong>{status.data.serving ?? 'no healthy region'}</strong>
          </p>
          <p className="muted">{policyText(status.data)}</p>
          <div className="grid grid-regions">
            {status.data.regions.map((region) => (
              <RegionCard
                key={region.name}
                region={region}
                serving={status.data?.serving === region.name}
                controls={local ? controls : undefined}
              />
            ))}
          </div>
          {local ? <LinkControls status={status.data} controls={controls} /> : null}
        </>
      ) : null}
      {local ? <ProviderCard token={token} controls={controls} /> : null}
      {local && controls.unavailable ? (
        <p className="notice-muted" role="status">
          Region controls are not available: this front door has no control endpoints (they come with
          two-region local mode).
        </p>
      ) : null}
      {controls.notice ? (
        <p className="notice" role="status">
          {controls.notice}
        </p>
      ) : null}
      {controls.error ? <ProblemMessage error={controls.error} action="Sending the command" /> : null}
    </section>
  );
}

function RegionCard({
  region,
  serving,
  controls,
}: {
  region: RegionStatus;
  serving: boolean;
  controls: RegionControls | undefined;
}) {
  const checkedAgo =
    region.lastCheckedAt === undefined ? undefined : Math.max(0, Date.now() - region.lastCheckedAt);
  const kill = { kind: 'kill-region', region: region.name } as const;
  const start = { kind: 'start-region', region: region.name } as const;
  const busy = controls?.pending !== undefined;
  return (
    <article
      className={`card region-card ${region.healthy ? 'region-up' : 'region-down'}`}
      aria-labelledby={`region-${region.name}`}
    >
      <h3 id={`region-${region.name}`}>
        {region.name} {serving ? <span className="badge badge-serving">Serving</span> : null}
      </h3>
      <p className={region.healthy ? 'health health-ok' : 'health health-bad'}>
        <span aria-hidden="true">{region.healthy ? '●' : '■'}</span>{' '}
        {region.healthy ? 'Healthy' : 'Unhealthy'}
      </p>
      <dl className="facts">
        <dt>Health check</dt>
        <dd>
          {!region.healthy
            ? 'no answer'
            : region.lastLatencyMs === undefined
              ? '—'
              : `${region.lastLatencyMs} ms`}
        </dd>
        <dt>Failed checks in a row</dt>
        <dd>{region.consecutiveFailures}</dd>
        <dt>Last checked</dt>
        <dd>{checkedAgo === undefined ? 'not yet' : `${formatDuration(checkedAgo)} ago`}</dd>
        <dt>Replication lag (p99)</dt>
        <dd>
          {typeof region.replicationLagMs === 'number'
            ? formatDuration(region.replicationLagMs)
            : 'not reported'}
        </dd>
        {typeof region.outboxDepth === 'number' ? (
          <>
            <dt>Outbox backlog</dt>
            <dd>{region.outboxDepth} events</dd>
          </>
        ) : null}
        {typeof region.deadLetters === 'number' ? (
          <>
            <dt>Dead letters</dt>
            <dd>{region.deadLetters}</dd>
          </>
        ) : null}
        {region.settlement ? (
          <>
            <dt>Owed settlements</dt>
            <dd>{owedText(region.settlement)}</dd>
          </>
        ) : null}
        {region.reconciliation && region.reconciliation.unresolved.length > 0 ? (
          <>
            <dt>Payments the reconciler could not fix</dt>
            <dd className="error-text">{region.reconciliation.unresolved.length}</dd>
          </>
        ) : null}
        {region.lastError ? (
          <>
            <dt>Last error</dt>
            <dd className="error-text">{region.lastError}</dd>
          </>
        ) : null}
      </dl>
      {controls && !controls.unavailable ? (
        <div className="actions">
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            onClick={() => void controls.run(kill)}
          >
            {describeAction(kill)}
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={busy}
            onClick={() => void controls.run(start)}
          >
            {describeAction(start)}
          </button>
        </div>
      ) : null}
    </article>
  );
}

function LinkControls({ status, controls }: { status: FrontDoorStatus; controls: RegionControls }) {
  const states = new Set(status.regions.map((region) => region.link));
  const link = states.has('cut') ? 'cut' : states.has('up') ? 'up' : undefined;
  const busy = controls.pending !== undefined;
  return (
    <div className="link-controls">
      <p>
        Replication link between regions:{' '}
        <strong>
          {link === undefined ? 'not reported' : link === 'up' ? 'up' : 'cut (regions cannot replicate)'}
        </strong>
      </p>
      {controls.unavailable ? null : (
        <div className="actions">
          <button
            type="button"
            className="button button-danger"
            disabled={busy}
            onClick={() => void controls.run({ kind: 'cut-link' })}
          >
            {describeAction({ kind: 'cut-link' })}
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={busy}
            onClick={() => void controls.run({ kind: 'heal-link' })}
          >
            {describeAction({ kind: 'heal-link' })}
          </button>
        </div>
      )}
    </div>
  );
}
