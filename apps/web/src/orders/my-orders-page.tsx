import { useState } from 'react';
import { listMyOrders } from '../api/orders-api';
import type { Order, Page } from '../api/types';
import { useSession } from '../auth/session';
import { Link } from '../router/link';
import { EmptyState, Loading } from '../ui/async-states';
import { formatDateTime, formatMoney } from '../ui/format';
import { usePageTitle } from '../ui/page-title';
import { ProblemMessage } from '../ui/problem-message';
import { useResource } from '../ui/use-resource';
import { pendingTag } from './order-outcome';
import { StatusBadge } from './order-timeline';

export function MyOrdersPage() {
  usePageTitle('My orders');
  const session = useSession();
  const token = session?.token;
  const firstPage = useResource(`my-orders:${session?.userId ?? ''}`, (signal) =>
    token ? listMyOrders(token, undefined, signal) : Promise.resolve<Page<Order>>({ items: [] }),
  );
  const [more, setMore] = useState<{ items: Order[]; cursor: string | undefined; error?: unknown }>({
    items: [],
    cursor: undefined,
  });

  if (!session) {
    return (
      <section aria-labelledby="orders-title">
        <h1 id="orders-title">My orders</h1>
        <p>
          <Link to="/sign-in?next=%2Forders">Sign in</Link> to see your orders.
        </p>
      </section>
    );
  }
  const orders = [...(firstPage.data?.items ?? []), ...more.items];
  const cursor = more.items.length > 0 ? more.cursor : firstPage.data?.nextCursor;
  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await listMyOrders(session.token, cursor);
      setMore((current) => ({ items: [...current.items, ...page.items], cursor: page.nextCursor }));
    } catch (error) {
      setMore((current) => ({ ...current, error }));
    }
  };
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">My orders</h1>
      {firstPage.error ? <ProblemMessage error={firstPage.error} action="Loading your orders" /> : null}
      {firstPage.loading && !firstPage.data ? <Loading label="Loading your orders…" /> : null}
      {firstPage.data && orders.length === 0 ? (
        <EmptyState title="You have not ordered anything yet.">
          <Link to="/">Browse the shop</Link>
        </EmptyState>
      ) : null}
      {orders.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Your orders, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Placed</th>
                <th scope="col">Items</th>
                <th scope="col">Total</th>
                <th scope="col">Status</th>
                <th scope="col">Region</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((order) => (
                <tr key={order.orderId}>
                  <th scope="row">
                    <Link to={`/orders/${encodeURIComponent(order.orderId)}`}>
                      {formatDateTime(order.createdAt)}
                    </Link>
                  </th>
                  <td>{order.lines.map((line) => `${line.quantity} × ${line.name}`).join(', ')}</td>
                  <td>{formatMoney(order.totalMinor, order.currency)}</td>
                  <td>
                    <StatusBadge status={order.status} />
                    {pendingTag(order) ? <span className="badge badge-owed">{pendingTag(order)}</span> : null}
                  </td>
                  <td>{order.region}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {more.error ? <ProblemMessage error={more.error} action="Loading more orders" /> : null}
      {cursor ? (
        <button type="button" className="button button-secondary" onClick={() => void loadMore()}>
          Show older orders
        </button>
      ) : null}
    </section>
  );
}
