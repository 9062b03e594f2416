import { useRef, useState } from 'react';
import { listProducts } from '../api/catalog-api';
import { placeOrder } from '../api/orders-api';
import { ProblemError } from '../api/problem';
import { type Session, useSession } from '../auth/session';
import { type CartStore, cartStore, useCart } from '../cart/cart-store';
import { priceCart } from '../cart/priced-cart';
import { Link } from '../router/link';
import { navigate } from '../router/router';
import { EmptyState, Loading } from '../ui/async-states';
import { formatMoney } from '../ui/format';
import { usePageTitle } from '../ui/page-title';
import { ProblemMessage } from '../ui/problem-message';
import { useResource } from '../ui/use-resource';
import { AddressFields, fieldId } from './address-fields';
import {
  type AddressField,
  type AddressForm,
  API_FIELD_LABELS,
  EMPTY_ADDRESS,
  type FieldErrors,
  fieldOfPath,
  orderBody,
  validateAddress,
} from './checkout-form';
import { PaymentFields } from './payment-fields';

export function CheckoutPage({ cart = cartStore }: { cart?: CartStore }) {
  usePageTitle('Checkout');
  const session = useSession();
  const lines = useCart(cart);
  const products = useResource('catalog', listProducts);

  if (!session) {
    return (
      <section aria-labelledby="checkout-title">
        <h1 id="checkout-title">Checkout</h1>
        <p>
          <Link to="/sign-in?next=%2Fcheckout">Sign in</Link> to place your order. Your cart is kept.
        </p>
      </section>
    );
  }
  if (lines.length === 0) {
    return (
      <section aria-labelledby="checkout-title">
        <h1 id="checkout-title">Checkout</h1>
        <EmptyState title="Your cart is empty.">
          <Link to="/">Browse the shop</Link>
        </EmptyState>
      </section>
    );
  }
  if (!products.data) {
    return products.error ? (
      <ProblemMessage error={products.error} action="Loading prices" />
    ) : (
      <Loading label="Loading your cart…" />
    );
  }
  return <CheckoutForm session={session} cart={cart} priced={priceCart(lines, products.data)} />;
}

interface CheckoutFormProps {
  session: Session;
  cart: CartStore;
  priced: ReturnType<typeof priceCart>;
}

function CheckoutForm({ session, cart, priced }: CheckoutFormProps) {
  const [form, setForm] = useState<AddressForm>({ ...EMPTY_ADDRESS, name: session.name });
  const [paymentMethod, setPaymentMethod] = useState('pm_card_visa');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [submitError, setSubmitError] = useState<unknown>();
  const [submitting, setSubmitting] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);
  // One key per distinct order: resending the same checkout (a retry after a timeout) cannot order twice.
  const attempt = useRef<{ key: string; body: string } | undefined>(undefined);

  const change = (field: AddressField, value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  };

  const submit = async () => {
    const found = validateAddress(form);
    setErrors(found);
    const first = (Object.keys(found) as AddressField[])[0];
    if (first) {
      document.getElementById(fieldId(first))?.focus();
      return;
    }
    const body = orderBody(priced.lines, form, paymentMethod);
    const serialized = JSON.stringify(body);
    if (attempt.current?.body !== serialized)
      attempt.current = { key: crypto.randomUUID(), body: serialized };
    setSubmitting(true);
    setSubmitError(undefined);
    try {
      const order = await placeOrder(session.token, body, attempt.current.key);
      cart.clear();
      navigate(`/orders/${encodeURIComponent(order.orderId)}`);
    } catch (error) {
      setSubmitting(false);
      setSubmitError(error);
      if (error instanceof ProblemError) {
        const fromApi: FieldErrors = {};
        for (const entry of error.errors) {
          const field = fieldOfPath(entry.path);
          if (field) fromApi[field] = entry.message;
        }
        setErrors(fromApi);
      }
      requestAnimationFrame(() => errorRef.current?.focus());
    }
  };

  return (
    <section aria-labelledby="checkout-title">
      <h1 id="checkout-title">Checkout</h1>
      <div className="checkout">
        <form
          noValidate
          aria-describedby={submitError ? 'checkout-error' : undefined}
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <AddressFields form={form} errors={errors} onChange={change} />
          <PaymentFields value={paymentMethod} onChange={setPaymentMethod} />
          <div id="checkout-error" ref={errorRef} tabIndex={-1}>
            {submitError ? (
              <ProblemMessage error={submitError} action="Placing the order" fieldLabels={API_FIELD_LABELS} />
            ) : null}
          </div>
          {priced.problems.length > 0 ? (
            <p className="problem" role="alert">
              {priced.problems.join(' ')} <Link to="/cart">Fix the cart</Link>
            </p>
          ) : null}
          <button
            type="submit"
            className="button button-large"
            disabled={submitting || priced.problems.length > 0}
          >
            {submitting
              ? 'Placing order…'
              : `Place order (${formatMoney(priced.subtotalMinor, priced.currency)} + shipping)`}
          </button>
        </form>
        <aside className="card order-summary" aria-labelledby="summary-title">
          <h2 id="summary-title">Order summary</h2>
          <ul className="plain-list">
            {priced.lines.map((line) => (
              <li key={line.sku}>
                {line.quantity} × {line.product?.name ?? line.sku}
                <span>{formatMoney(line.lineTotalMinor, priced.currency)}</span>
              </li>
            ))}
          </ul>
          <p className="summary-line">
            Subtotal <strong>{formatMoney(priced.subtotalMinor, priced.currency)}</strong>
          </p>
          <p className="muted">Signed in as {session.name}.</p>
        </aside>
      </div>
    </section>
  );
}
