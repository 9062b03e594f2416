import { describeProblem, ProblemError } from '../api/problem';

interface ProblemMessageProps {
  error: unknown;
  /** What the person was doing, e.g. "Loading the catalog". */
  action?: string;
  /** Maps API field paths (shippingAddress.city) to the labels people see. */
  fieldLabels?: Record<string, string>;
}

/** Shows an API problem (RFC 9457) as a sentence a person can act on, never as JSON. */
export function ProblemMessage({ error, action, fieldLabels = {} }: ProblemMessageProps) {
  const { headline, detail } = describeProblem(error);
  const fieldErrors = error instanceof ProblemError ? error.errors : [];
  return (
    <div className="problem" role="alert">
      <p className="problem-headline">
        <strong>{action ? `${action} failed: ` : ''}</strong>
        {headline}
      </p>
      {detail && detail !== headline ? <p className="problem-detail">{detail}</p> : null}
      {fieldErrors.length > 0 ? (
        <ul className="problem-fields">
          {fieldErrors.map((field) => (
            <li key={`${field.path}:${field.message}`}>
              {fieldLabels[field.path] ?? field.path}: {field.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
