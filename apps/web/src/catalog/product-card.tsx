import type { Product } from '../api/types';
import { Link } from '../router/link';
import { formatMoney } from '../ui/format';
import { stockLabel } from './catalog-filters';

interface ProductCardProps {
  product: Product;
  onAdd: (product: Product) => void;
}

export function ProductCard({ product, onAdd }: ProductCardProps) {
  const soldOut = product.stock.available <= 0;
  const headingId = `product-${product.sku}`;
  return (
    <article className="card product-card" aria-labelledby={headingId}>
      {product.imageUrl ? (
        <img src={product.imageUrl} alt="" className="product-image" loading="lazy" />
      ) : null}
      <p className="eyebrow">{product.category}</p>
      <h3 id={headingId}>
        <Link to={`/products/${encodeURIComponent(product.sku)}`}>{product.name}</Link>
      </h3>
      <p className="muted">{product.description}</p>
      <p className="price">{formatMoney(product.priceMinor, product.currency)}</p>
      <p className={soldOut ? 'stock stock-out' : 'stock'}>{stockLabel(product.stock.available)}</p>
      <button
        type="button"
        className="button"
        disabled={soldOut}
        aria-label={`Add to cart: ${product.name}`}
        onClick={() => onAdd(product)}
      >
        Add to cart
      </button>
    </article>
  );
}
