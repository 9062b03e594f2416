import type { Product } from '../api/types';

export type SortOrder = 'name' | 'price-asc' | 'price-desc';

export interface CatalogFilters {
  query: string;
  category: string;
  inStockOnly: boolean;
  sort: SortOrder;
}

export const NO_FILTERS: CatalogFilters = { query: '', category: '', inStockOnly: false, sort: 'name' };

/** Filters live in the URL (?q=&category=&stock=1&sort=) so a filtered catalog can be shared and survives reloads. */
export function filtersFromSearch(search: URLSearchParams): CatalogFilters {
  const sort = search.get('sort');
  return {
    query: search.get('q') ?? '',
    category: search.get('category') ?? '',
    inStockOnly: search.get('stock') === '1',
    sort: sort === 'price-asc' || sort === 'price-desc' ? sort : 'name',
  };
}

export function filtersToSearch(filters: CatalogFilters): string {
  const params = new URLSearchParams();
  if (filters.query) params.set('q', filters.query);
  if (filters.category) params.set('category', filters.category);
  if (filters.inStockOnly) params.set('stock', '1');
  if (filters.sort !== 'name') params.set('sort', filters.sort);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function applyFilters(products: readonly Product[], filters: CatalogFilters): Product[] {
  const words = filters.query.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = products.filter((product) => {
    if (!product.active) return false;
    if (filters.category && product.category !== filters.category) return false;
    if (filters.inStockOnly && product.stock.available <= 0) return false;
    const haystack =
      `${product.name} ${product.description} ${product.sku} ${product.category}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
  const byName = (a: Product, b: Product) => a.name.localeCompare(b.name);
  return matches.sort((a, b) => {
    if (filters.sort === 'price-asc') return a.priceMinor - b.priceMinor || byName(a, b);
    if (filters.sort === 'price-desc') return b.priceMinor - a.priceMinor || byName(a, b);
    return byName(a, b);
  });
}

export function categoriesOf(products: readonly Product[]): string[] {
  return [...new Set(products.filter((p) => p.active).map((p) => p.category))].sort();
}

export function stockLabel(available: number): string {
  if (available <= 0) return 'Out of stock';
  return `${available} in stock`;
}
