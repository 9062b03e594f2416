import { useId, useState } from 'react';
import { listProducts } from '../api/catalog-api';
import type { Product } from '../api/types';
import { type CartStore, cartStore } from '../cart/cart-store';
import { navigate, useLocation } from '../router/router';
import { EmptyState, Loading } from '../ui/async-states';
import { usePageTitle } from '../ui/page-title';
import { ResourceProblem } from '../ui/resource-problem';
import { useResource } from '../ui/use-resource';
import {
  applyFilters,
  type CatalogFilters,
  categoriesOf,
  filtersFromSearch,
  filtersToSearch,
  NO_FILTERS,
  type SortOrder,
} from './catalog-filters';
import { ProductCard } from './product-card';

export function CatalogPage({ cart = cartStore }: { cart?: CartStore }) {
  usePageTitle('Shop');
  const { search } = useLocation();
  const filters = filtersFromSearch(search);
  const products = useResource('catalog', listProducts);
  const [notice, setNotice] = useState('');
  const ids = { query: useId(), category: useId(), sort: useId(), stock: useId() };

  const update = (change: Partial<CatalogFilters>) =>
    navigate(`/${filtersToSearch({ ...filters, ...change })}`, { replace: true });
  const add = (product: Product) => {
    cart.add(product.sku);
    setNotice(`Added ${product.name} to the cart.`);
  };

  const all = products.data ?? [];
  const shown = applyFilters(all, filters);
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Shop</h1>
      <search aria-label="Search and filter products">
        <form className="filters" onSubmit={(e) => e.preventDefault()}>
          <div className="field">
            <label htmlFor={ids.query}>Search</label>
            <input
              id={ids.query}
              type="search"
              value={filters.query}
              placeholder="mug, notebook, lamp…"
              onChange={(event) => update({ query: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.category}>Category</label>
            <select
              id={ids.category}
              value={filters.category}
              onChange={(e) => update({ category: e.target.value })}
            >
              <option value="">All categories</option>
              {categoriesOf(all).map((category) => (
                <option key={category} value={category}>
                  {category}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.sort}>Sort by</label>
            <select
              id={ids.sort}
              value={filters.sort}
              onChange={(e) => update({ sort: e.target.value as SortOrder })}
            >
              <option value="name">Name</option>
              <option value="price-asc">Price, low to high</option>
              <option value="price-desc">Price, high to low</option>
            </select>
          </div>
          <div className="field field-inline">
            <input
              id={ids.stock}
              type="checkbox"
              checked={filters.inStockOnly}
              onChange={(e) => update({ inStockOnly: e.target.checked })}
            />
            <label htmlFor={ids.stock}>In stock only</label>
          </div>
        </form>
      </search>
      <p className="notice" role="status">
        {notice}
      </p>
      <ResourceProblem resource={products} action="Loading the catalog" />
      {products.loading && !products.data ? <Loading label="Loading the catalog…" /> : null}
      {products.data ? (
        <>
          <p className="muted" aria-live="polite">
            {shown.length === all.length
              ? `${all.length} products`
              : `${shown.length} of ${all.length} products`}
          </p>
          {shown.length === 0 ? (
            <EmptyState
              title={all.length === 0 ? 'The catalog is empty.' : 'No product matches these filters.'}
            >
              {all.length > 0 ? (
                <button type="button" className="button button-secondary" onClick={() => update(NO_FILTERS)}>
                  Clear filters
                </button>
              ) : null}
            </EmptyState>
          ) : (
            <div className="grid">
              {shown.map((product) => (
                <ProductCard key={product.sku} product={product} onAdd={add} />
              ))}
            </div>
          )}
        </>
      ) : null}
    </section>
  );
}
