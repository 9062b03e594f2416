import { Fragment, useId, useState } from 'react';
import { type ExecutionStatusFilter, listExecutions } from '../api/admin-api';
import type { Execution } from '../api/types';
import { EmptyState, Loading } from '../ui/async-states';
import { formatDuration, formatTime } from '../ui/format';
import { ResourceProblem } from '../ui/resource-problem';
import { useResource } from '../ui/use-resource';
import { orderOutcome } from './execution-steps';
import { ExecutionSteps } from './execution-steps-view';

const POLL_MS = 2000;
const FILTERS: readonly ExecutionStatusFilter[] = ['ALL', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT'];

function duration(execution: Execution): string {
  const end = execution.finishedAt ? Date.parse(execution.finishedAt) : Date.now();
  return formatDuration(end - Date.parse(execution.startedAt));
}

export function ExecutionsPanel({ token }: { token: string }) {
  const [filter, setFilter] = useState<ExecutionStatusFilter>('ALL');
  const [open, setOpen] = useState<string | undefined>();
  const filterId = useId();
  const executions = useResource(`executions:${filter}`, (signal) => listExecutions(token, filter, signal), {
    intervalMs: POLL_MS,
  });
  const items = executions.data?.items ?? [];
  return (
    <section aria-labelledby="sagas-title" className="panel">
      <h2 id="sagas-title">Saga executions</h2>
      <div className="filters">
        <div className="field">
          <label htmlFor={filterId}>Status</label>
          <select
            id={filterId}
            value={filter}
            onChange={(e) => setFilter(e.target.value as ExecutionStatusFilter)}
          >
            {FILTERS.map((value) => (
              <option key={value} value={value}>
                {value === 'ALL' ? 'All' : value}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ResourceProblem resource={executions} action="Reading executions" />
      {executions.loading && !executions.data ? <Loading label="Reading executions…" /> : null}
      {executions.data && items.length === 0 ? (
        <EmptyState title={filter === 'ALL' ? 'No saga has run yet.' : `No ${filter} execution.`}>
          <p>Each order starts one execution of the order saga.</p>
        </EmptyState>
      ) : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Newest executions first</caption>
            <thead>
              <tr>
                <th scope="col">Execution (order)</th>
                <th scope="col">Status</th>
                <th scope="col">Order outcome</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">
                  <span className="visually-hidden">Steps</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((execution) => {
                const outcome = orderOutcome(execution.output);
                const expanded = open === execution.name;
                return (
                  <Fragment key={execution.name}>
                    <tr>
                      <th scope="row" className="mono">
                        {execution.name}
                      </th>
                      <td>
                        <span className={`badge badge-exec-${execution.status.toLowerCase()}`}>
                          {execution.status}
                        </span>
                      </td>
                      <td>
                        {outcome ? `${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''}` : '—'}
                        {execution.error ? (
                          <span className="error-text">
                            {' '}
                            {execution.error}
                            {execution.cause ? `: ${execution.cause}` : ''}
                          </span>
                        ) : null}
                      </td>
                      <td>{formatTime(execution.startedAt)}</td>
                      <td>{duration(execution)}</td>
                      <td>
                        <button
                          type="button"
                          className="button button-link"
                          aria-expanded={expanded}
                          aria-controls={`steps-${execution.name}`}
                          onClick={() => setOpen(expanded ? undefined : execution.name)}
                        >
                          {expanded ? 'Hide steps' : 'Show steps'}
                        </button>
                      </td>
                    </tr>
                    {expanded ? (
                      <tr id={`steps-${execution.name}`}>
                        <td colSpan={6}>
                          <ExecutionSteps token={token} execution={execution} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
