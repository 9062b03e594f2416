import { useState } from 'react';
import { cancelOrder, getOrder } from '../api/orders-api';
import type { Order } from '../api/types';
import { type Session, useSession } from '../auth/session';
import { Link } from '../router/link';
import { Loading } from '../ui/async-states';
import { formatMoney } from '../ui/format';
import { usePageTitle } from '../ui/page-title';
import { ProblemMessage } from '../ui/problem-message';
import { ResourceProblem } from '../ui/resource-problem';
import { useResource } from '../ui/use-resource';
import { displayedReason, hasOutcome } from './order-outcome';
import { OrderSummary } from './order-summary';
import { OrderTimeline, StatusBadge } from './order-timeline';
import { OutcomeNotice } from './outcome-notice';
import { isDone, isFinal, isSettlementPending, STATUS_TEXT } from './timeline-steps';

/** How often an unfinished order is polled; the saga takes well under a second locally. */
export const ORDER_POLL_MS = 500;
/** A closed order that still owes a refund or release: the settlement sweep backs off to 30 s per order. */
export const SETTLEMENT_POLL_MS = 3000;

/** Fast while the saga runs; slower once only the settlement is left (it may take as long as an outage). */
export function orderPollMs(order: Order | undefined): number {
  return order && isFinal(order) && isSettlementPending(order) ? SETTLEMENT_POLL_MS : ORDER_POLL_MS;
}

export function OrderPage({ orderId }: { orderId: string }) {
  const session = useSession();
  if (!session) {
    return (
      <section>
        <h1>Order</h1>
        <p>
          <Link to={`/sign-in?next=${encodeURIComponent(`/orders/${orderId}`)}`}>Sign in</Link> to see this
          order.
        </p>
      </section>
    );
  }
  return <LiveOrder session={session} orderId={orderId} />;
}

function headline(order: Order): string {
  if (order.status === 'CONFIRMED')
    return order.cancelRequested ? 'Cancelling your order…' : 'Thank you! Your order is confirmed.';
  if (order.status === 'FAILED') return 'Your order could not be completed.';
  if (order.status === 'CANCELLED') return 'Your order was cancelled.';
  return 'We are processing your order…';
}

function LiveOrder({ session, orderId }: { session: Session; orderId: string }) {
  const order = useResource(`order:${orderId}`, (signal) => getOrder(session.token, orderId, signal), {
    intervalMs: orderPollMs,
    until: isDone,
  });
  usePageTitle(order.data ? `Order ${STATUS_TEXT[order.data.status].toLowerCase()}` : 'Order');
  const [cancelError, setCancelError] = useState<unknown>();
  const [cancelling, setCancelling] = useState(false);
  const [confirming, setConfirming] = useState(false);

  if (!order.data) {
    return order.error ? (
      <section>
        <h1>Order</h1>
        <ProblemMessage error={order.error} action="Loading the order" />
      </section>
    ) : (
      <Loading label="Loading your order…" />
    );
  }
  const o = order.data;
  const cancellable =
    (o.status === 'PENDING' || o.status === 'CONFIRMED') &&
    !o.cancelRequested &&
    o.shipment?.status !== 'SHIPPED';
  const cancel = async () => {
    setCancelling(true);
    setCancelError(undefined);
    try {
      await cancelOrder(session.token, o.orderId);
      setConfirming(false);
      order.reload();
    } catch (error) {
      setCancelError(error);
    } finally {
      setCancelling(false);
    }
  };
  return (
    <article className="order-page" aria-labelledby="order-title">
      <div aria-live="polite">
        <h1 id="order-title">{headline(o)}</h1>
        <p className="order-status">
          Status <StatusBadge status={o.status} />
          {isDone(o) ? null : <span className="muted"> · updates live</span>}
        </p>
      </div>
      {o.status === 'FAILED' ? (
        <div className="problem" role="alert">
          <p className="problem-headline">
            <strong>Order failed:</strong>{' '}
            {o.failureReason ? displayedReason(o, o.failureReason) : 'the order could not be completed.'}
          </p>
        </div>
      ) : null}
      {hasOutcome(o) ? <OutcomeNotice order={o} /> : null}
      <p className="muted">
        Order <code>{o.orderId}</code>, handled by region <strong>{o.region}</strong>
      </p>
      <div className="order-layout">
        <section aria-labelledby="progress-title" className="card">
          <h2 id="progress-title">Progress</h2>
          <OrderTimeline
            timeline={o.timeline.map((entry) =>
              entry.type === 'FAILED' && entry.detail
                ? { ...entry, detail: displayedReason(o, entry.detail) }
                : entry,
            )}
            status={o.status}
            owed={o.settlement?.status === 'PENDING' ? o.settlement.owed : []}
          />
        </section>
        <OrderSummary order={o} />
      </div>
      <ResourceProblem resource={order} action="Refreshing the order" />
      {cancelError ? <ProblemMessage error={cancelError} action="Cancelling" /> : null}
      <div className="actions">
        <Link className="button button-secondary" to="/">
          Continue shopping
        </Link>
        <Link className="button button-secondary" to="/orders">
          My orders
        </Link>
        {cancellable && !confirming ? (
          <button type="button" className="button button-secondary" onClick={() => setConfirming(true)}>
            Cancel this order…
          </button>
        ) : null}
      </div>
      {cancellable && confirming ? (
        <section className="confirm" aria-labelledby="confirm-cancel">
          <p id="confirm-cancel">
            Cancel this {formatMoney(o.totalMinor, o.currency)} order? Any payment is released or refunded,
            and the items go back on sale.
          </p>
          <div className="actions">
            <button
              type="button"
              className="button button-danger"
              disabled={cancelling}
              onClick={() => void cancel()}
            >
              {cancelling ? 'Cancelling…' : 'Yes, cancel the order'}
            </button>
            <button
              type="button"
              className="button button-secondary"
              disabled={cancelling}
              onClick={() => setConfirming(false)}
            >
              Keep the order
            </button>
          </div>
        </section>
      ) : null}
    </article>
  );
}
