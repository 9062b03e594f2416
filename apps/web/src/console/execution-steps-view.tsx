import { executionHistory } from '../api/admin-api';
import type { Execution } from '../api/types';
import { Loading } from '../ui/async-states';
import { formatDuration } from '../ui/format';
import { ProblemMessage } from '../ui/problem-message';
import { useResource } from '../ui/use-resource';
import { type StepStatus, stepRuns } from './execution-steps';

const STATUS_TEXT: Record<StepStatus, string> = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  caught: 'failed, handled',
};

/** One execution's steps; refreshed while the execution runs, so a stuck step is visible as it happens. */
export function ExecutionSteps({ token, execution }: { token: string; execution: Execution }) {
  const history = useResource(
    `history:${execution.name}:${execution.status}`,
    () => executionHistory(token, execution.name),
    { intervalMs: 1000, until: () => execution.status !== 'RUNNING' },
  );
  if (!history.data) {
    return history.error ? (
      <ProblemMessage error={history.error} action="Reading the steps" />
    ) : (
      <Loading label="Reading the steps…" />
    );
  }
  const runs = stepRuns(history.data);
  return (
    <ol className="steps" aria-label={`Steps of ${execution.name}`}>
      {runs.map((run, index) => (
        <li key={`${run.state}-${index}`} className={`exec-step exec-step-${run.status}`}>
          <strong>{run.state}</strong> — {STATUS_TEXT[run.status]}
          {run.exitedAt ? ` in ${formatDuration(Date.parse(run.exitedAt) - Date.parse(run.enteredAt))}` : ''}
          {run.retries > 0 ? ` after ${run.retries} ${run.retries === 1 ? 'retry' : 'retries'}` : ''}
          {run.error ? (
            <span className="error-text">
              {' '}
              · {run.error}
              {run.cause ? `: ${run.cause}` : ''}
            </span>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
