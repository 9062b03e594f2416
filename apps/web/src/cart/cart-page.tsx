import { listProducts } from '../api/catalog-api';
import { useSession } from '../auth/session';
import { Link } from '../router/link';
import { EmptyState, Loading } from '../ui/async-states';
import { formatMoney } from '../ui/format';
import { usePageTitle } from '../ui/page-title';
import { ProblemMessage } from '../ui/problem-message';
import { useResource } from '../ui/use-resource';
import { type CartStore, cartStore, MAX_QUANTITY, useCart } from './cart-store';
import { priceCart } from './priced-cart';

export function CartPage({ cart = cartStore }: { cart?: CartStore }) {
  usePageTitle('Cart');
  const lines = useCart(cart);
  const session = useSession();
  const products = useResource('catalog', listProducts);

  if (lines.length === 0) {
    return (
      <section aria-labelledby="cart-title">
        <h1 id="cart-title">Your cart</h1>
        <EmptyState title="Your cart is empty.">
          <Link to="/">Browse the shop</Link>
        </EmptyState>
      </section>
    );
  }
  if (!products.data) {
    return (
      <section aria-labelledby="cart-title">
        <h1 id="cart-title">Your cart</h1>
        {products.error ? (
          <ProblemMessage error={products.error} action="Loading prices" />
        ) : (
          <Loading label="Loading prices…" />
        )}
      </section>
    );
  }
  const priced = priceCart(lines, products.data);
  return (
    <section aria-labelledby="cart-title">
      <h1 id="cart-title">Your cart</h1>
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">Items in your cart</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Price</th>
              <th scope="col">Quantity</th>
              <th scope="col">Total</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {priced.lines.map((line) => {
              const name = line.product?.name ?? line.sku;
              return (
                <tr key={line.sku}>
                  <th scope="row">
                    <Link to={`/products/${encodeURIComponent(line.sku)}`}>{name}</Link>
                  </th>
                  <td>{line.product ? formatMoney(line.product.priceMinor, line.product.currency) : '—'}</td>
                  <td>
                    <label className="visually-hidden" htmlFor={`qty-${line.sku}`}>
                      Quantity of {name}
                    </label>
                    <input
                      id={`qty-${line.sku}`}
                      className="quantity"
                      type="number"
                      inputMode="numeric"
                      min={1}
                      max={MAX_QUANTITY}
                      value={line.quantity}
                      onChange={(event) => {
                        const value = Number(event.target.value);
                        if (Number.isInteger(value) && value >= 1) cart.setQuantity(line.sku, value);
                      }}
                    />
                  </td>
                  <td>{formatMoney(line.lineTotalMinor, priced.currency)}</td>
                  <td>
                    <button
                      type="button"
                      className="button button-link"
                      aria-label={`Remove ${name}`}
                      onClick={() => cart.remove(line.sku)}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {priced.problems.length > 0 ? (
        <ul className="problem" role="alert">
          {priced.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
      <p className="summary-line">
        Subtotal <strong data-testid="subtotal">{formatMoney(priced.subtotalMinor, priced.currency)}</strong>
      </p>
      <p className="muted">Shipping is added by the shop when you place the order.</p>
      <div className="actions">
        <Link className="button button-secondary" to="/">
          Keep shopping
        </Link>
        {priced.problems.length > 0 ? null : (
          <Link className="button" to={session ? '/checkout' : '/sign-in?next=%2Fcheckout'}>
            {session ? 'Check out' : 'Sign in to check out'}
          </Link>
        )}
      </div>
    </section>
  );
}
