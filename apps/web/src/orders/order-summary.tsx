import type { Order } from '../api/types';
import { PAYMENT_METHODS } from '../checkout/checkout-form';
import { Link } from '../router/link';
import { formatMoney } from '../ui/format';

const SHIPMENT_TEXT: Record<NonNullable<Order['shipment']>['status'], string> = {
  CREATED: 'created',
  SHIPPED: 'shipped',
  CANCELLED: 'cancelled',
  RETURN_REQUESTED: 'return requested',
};

export function OrderSummary({ order }: { order: Order }) {
  const money = (minor: number) => formatMoney(minor, order.currency);
  const method = PAYMENT_METHODS.find((candidate) => candidate.id === order.paymentMethod);
  const address = order.shippingAddress;
  return (
    <section aria-labelledby="summary-title" className="card">
      <h2 id="summary-title">Summary</h2>
      <ul className="plain-list">
        {order.lines.map((line) => (
          <li key={line.sku}>
            <span>
              {line.quantity} × <Link to={`/products/${encodeURIComponent(line.sku)}`}>{line.name}</Link>
            </span>
            <span>{money(line.lineTotalMinor)}</span>
          </li>
        ))}
      </ul>
      <dl className="totals">
        <dt>Subtotal</dt>
        <dd>{money(order.subtotalMinor)}</dd>
        <dt>Shipping</dt>
        <dd>{order.shippingMinor === 0 ? 'Free' : money(order.shippingMinor)}</dd>
        <dt>Total</dt>
        <dd>
          <strong>{money(order.totalMinor)}</strong>
        </dd>
      </dl>
      <h3>Ship to</h3>
      <address>
        {address.name}
        <br />
        {address.line1}
        {address.line2 ? `, ${address.line2}` : ''}
        <br />
        {address.postalCode} {address.city}
        {address.region ? `, ${address.region}` : ''}, {address.country}
      </address>
      <h3>Payment</h3>
      <p>
        {method?.label ?? order.paymentMethod}
        {order.payment ? ` · ${order.payment.status.toLowerCase()}` : ''}
        {order.payment && order.payment.refundedMinor > 0
          ? ` · refunded ${money(order.payment.refundedMinor)}`
          : ''}
      </p>
      {order.shipment ? (
        <>
          <h3>Shipment</h3>
          <p>
            {order.shipment.carrier} · tracking {order.shipment.trackingNumber} ·{' '}
            {SHIPMENT_TEXT[order.shipment.status]}
          </p>
        </>
      ) : null}
    </section>
  );
}
