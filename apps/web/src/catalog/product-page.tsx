import { useId, useState } from 'react';
import { getProduct } from '../api/catalog-api';
import { type CartStore, cartStore, MAX_QUANTITY } from '../cart/cart-store';
import { Link } from '../router/link';
import { Loading } from '../ui/async-states';
import { formatMoney } from '../ui/format';
import { usePageTitle } from '../ui/page-title';
import { ProblemMessage } from '../ui/problem-message';
import { useResource } from '../ui/use-resource';
import { stockLabel } from './catalog-filters';

export function ProductPage({ sku, cart = cartStore }: { sku: string; cart?: CartStore }) {
  const product = useResource(`product:${sku}`, (signal) => getProduct(sku, signal));
  usePageTitle(product.data?.name ?? 'Product');
  const [quantity, setQuantity] = useState(1);
  const [notice, setNotice] = useState('');
  const quantityId = useId();

  if (product.error && !product.data) {
    return (
      <section>
        <h1>Product</h1>
        <ProblemMessage error={product.error} action="Loading the product" />
        <p>
          <Link to="/">Back to the shop</Link>
        </p>
      </section>
    );
  }
  if (!product.data) return <Loading label="Loading the product…" />;
  const p = product.data;
  const limit = Math.max(1, Math.min(MAX_QUANTITY, p.stock.available));
  const soldOut = p.stock.available <= 0 || !p.active;
  return (
    <article className="product-page" aria-labelledby="product-title">
      <p>
        <Link to="/">← Back to the shop</Link>
      </p>
      <p className="eyebrow">{p.category}</p>
      <h1 id="product-title">{p.name}</h1>
      <p className="lead">{p.description}</p>
      <p className="price price-large">{formatMoney(p.priceMinor, p.currency)}</p>
      <p className={soldOut ? 'stock stock-out' : 'stock'} data-testid="stock">
        {p.active ? stockLabel(p.stock.available) : 'No longer sold'}
      </p>
      <section className="allotments" aria-labelledby="allotments-title">
        <h2 id="allotments-title" className="small-heading">
          Stock by region
        </h2>
        <p className="muted small">
          Each region sells from its own share, so the shop keeps selling if one region fails.
        </p>
        <ul>
          {p.stock.byRegion.map((allotment) => (
            <li key={allotment.region}>
              {allotment.region}: {allotment.available} available, {allotment.reserved} reserved
            </li>
          ))}
        </ul>
      </section>
      <form
        className="add-to-cart"
        onSubmit={(event) => {
          event.preventDefault();
          cart.add(p.sku, quantity);
          setNotice(`Added ${quantity} × ${p.name} to the cart.`);
        }}
      >
        <div className="field field-narrow">
          <label htmlFor={quantityId}>Quantity</label>
          <input
            id={quantityId}
            type="number"
            inputMode="numeric"
            min={1}
            max={limit}
            value={quantity}
            disabled={soldOut}
            onChange={(event) => setQuantity(Math.max(1, Math.min(limit, Number(event.target.value) || 1)))}
          />
        </div>
        <button type="submit" className="button" disabled={soldOut}>
          Add to cart
        </button>
      </form>
      <p className="notice" role="status">
        {notice}
        {notice ? (
          <>
            {' '}
            <Link to="/cart">View the cart</Link>
          </>
        ) : null}
      </p>
      <p className="muted">SKU {p.sku}</p>
    </article>
  );
}
