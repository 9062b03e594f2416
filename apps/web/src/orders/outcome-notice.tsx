import type { Order } from '../api/types';
import { Link } from '../router/link';
import { formatDateTime } from '../ui/format';
import { orderOutcome } from './order-outcome';

/**
 * What a closed order means for the customer: what is still owed (and since when), what was settled,
 * whether they were charged, a parcel to send back, a duplicate order that was cancelled.
 */
export function OutcomeNotice({ order }: { order: Order }) {
  const outcome = orderOutcome(order);
  const pending = outcome.pending.length > 0;
  const anything =
    pending ||
    [outcome.duplicateOf, outcome.returnText, outcome.settledAt, outcome.chargeText, outcome.stockText].some(
      (part) => part !== undefined,
    );
  if (!anything) return null;
  return (
    <section aria-labelledby="outcome-title" className="card outcome">
      <h2 id="outcome-title">{pending ? 'Still to do' : 'What this means for you'}</h2>
      {outcome.duplicateOf ? (
        <p>
          This order duplicated order{' '}
          <Link to={`/orders/${encodeURIComponent(outcome.duplicateOf)}`}>
            <code>{outcome.duplicateOf}</code>
          </Link>
          , {outcome.duplicateText}
        </p>
      ) : null}
      {outcome.returnText ? <p>{outcome.returnText}</p> : null}
      {pending ? (
        <div className="pending-box" role="status">
          <ul className="pending-list">
            {outcome.pending.map((text) => (
              <li key={text}>{text}</li>
            ))}
          </ul>
          <p>
            {outcome.pendingSince ? `Pending since ${formatDateTime(outcome.pendingSince)}. ` : ''}
            We keep trying until it is done; this page shows when it is.
          </p>
        </div>
      ) : null}
      {outcome.settledAt ? (
        <p className="settled">
          Everything this order owed was completed on{' '}
          <time dateTime={outcome.settledAt}>{formatDateTime(outcome.settledAt)}</time>.
        </p>
      ) : null}
      {outcome.chargeText || outcome.stockText ? (
        <p>{[outcome.chargeText, outcome.stockText].filter(Boolean).join(' ')}</p>
      ) : null}
    </section>
  );
}
