import { useState } from 'react';
import { listDeadLetters, redriveAllDeadLetters, redriveDeadLetter } from '../api/admin-api';
import type { DeadLetter } from '../api/types';
import { EmptyState, Loading } from '../ui/async-states';
import { formatDateTime } from '../ui/format';
import { ProblemMessage } from '../ui/problem-message';
import { ResourceProblem } from '../ui/resource-problem';
import { useResource } from '../ui/use-resource';

const POLL_MS = 3000;

function eventType(letter: DeadLetter): string {
  const type = letter.event['detail-type'];
  return typeof type === 'string' ? type : 'event';
}

export function DeadLettersPanel({ token }: { token: string }) {
  const letters = useResource('dead-letters', (signal) => listDeadLetters(token, signal), {
    intervalMs: POLL_MS,
  });
  const [busy, setBusy] = useState<string | undefined>();
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<unknown>();

  const redrive = async (id: string | 'all') => {
    setBusy(id);
    setError(undefined);
    setNotice('');
    try {
      const count = id === 'all' ? await redriveAllDeadLetters(token) : await redriveDeadLetter(token, id);
      setNotice(`${count} ${count === 1 ? 'delivery' : 'deliveries'} queued again.`);
      letters.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  };

  const items = letters.data ?? [];
  return (
    <section aria-labelledby="dead-letters-title" className="panel">
      <h2 id="dead-letters-title">Dead letters</h2>
      <p className="muted">
        Event deliveries that kept failing after the bus's retries. Redrive sends them to their target again.
      </p>
      <p className="notice" role="status">
        {notice}
      </p>
      {error ? <ProblemMessage error={error} action="Redriving" /> : null}
      <ResourceProblem resource={letters} action="Reading dead letters" />
      {letters.loading && !letters.data ? <Loading label="Reading dead letters…" /> : null}
      {letters.data && items.length === 0 ? (
        <EmptyState title="No dead letters.">
          <p>Every event reached its targets.</p>
        </EmptyState>
      ) : null}
      {items.length > 0 ? (
        <>
          <button
            type="button"
            className="button"
            disabled={busy !== undefined}
            onClick={() => void redrive('all')}
          >
            Redrive all ({items.length})
          </button>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">Failed deliveries</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Rule → target</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Failed at</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((letter) => (
                  <tr key={letter.id}>
                    <th scope="row">{eventType(letter)}</th>
                    <td>
                      {letter.rule} → {letter.target}
                    </td>
                    <td>{letter.attempts}</td>
                    <td className="error-text wrap">{letter.error}</td>
                    <td>{formatDateTime(letter.failedAt)}</td>
                    <td>
                      <button
                        type="button"
                        className="button button-secondary"
                        disabled={busy !== undefined}
                        aria-label={`Redrive ${eventType(letter)} to ${letter.target}`}
                        onClick={() => void redrive(letter.id)}
                      >
                        Redrive
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
