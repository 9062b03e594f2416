import { describeProblem } from '../api/problem';
import { ProblemMessage } from './problem-message';
import type { Resource } from './use-resource';

/**
 * A failed load: an alert when there is nothing to show, but only a quiet note when a live panel
 * still shows its previous answer (one missed poll is not an emergency; the next one may succeed).
 */
export function ResourceProblem<T>({ resource, action }: { resource: Resource<T>; action: string }) {
  if (!resource.error) return null;
  if (resource.data === undefined) return <ProblemMessage error={resource.error} action={action} />;
  const { headline } = describeProblem(resource.error);
  return (
    <p className="stale-note" role="status">
      {action} failed just now ({headline.replace(/\.$/, '')}); showing the last answer. Retrying…
    </p>
  );
}
