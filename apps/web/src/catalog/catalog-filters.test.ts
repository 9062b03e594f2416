import { describe, expect, it } from 'vitest';
import { product } from '../test-support/fixtures';
import { applyFilters, filtersFromSearch, filtersToSearch, NO_FILTERS } from './catalog-filters';

const products = [
  product({ sku: 'MUG-001', name: 'Meridian Mug', category: 'kitchen', priceMinor: 1450 }),
  product({
    sku: 'PEN-001',
    name: 'Brass Pen',
    category: 'stationery',
    priceMinor: 3200,
    description: 'Refillable',
  }),
  product({
    sku: 'NOTE-001',
    name: 'Grid Notebook',
    category: 'stationery',
    priceMinor: 1200,
    stock: { available: 0, reserved: 0, sold: 5, byRegion: [] },
  }),
  product({ sku: 'OLD-001', name: 'Retired Mug', active: false }),
];

describe('catalog filters', () => {
  it('matches every search word against name, description and SKU, and hides inactive products', () => {
    const found = applyFilters(products, { ...NO_FILTERS, query: 'refill pen' });
    expect(found.map((p) => p.sku)).toEqual(['PEN-001']);
    expect(applyFilters(products, { ...NO_FILTERS, query: 'mug' }).map((p) => p.sku)).toEqual(['MUG-001']);
  });

  it('filters by category and stock and sorts by price', () => {
    const stationery = applyFilters(products, { ...NO_FILTERS, category: 'stationery', sort: 'price-asc' });
    expect(stationery.map((p) => p.sku)).toEqual(['NOTE-001', 'PEN-001']);
    const inStock = applyFilters(products, { ...NO_FILTERS, inStockOnly: true, sort: 'price-desc' });
    expect(inStock.map((p) => p.sku)).toEqual(['PEN-001', 'MUG-001']);
  });

  it('round-trips through the URL and ignores unknown sort values', () => {
    const filters = { query: 'mug', category: 'kitchen', inStockOnly: true, sort: 'price-desc' as const };
    expect(filtersFromSearch(new URLSearchParams(filtersToSearch(filters)))).toEqual(filters);
    expect(filtersFromSearch(new URLSearchParams('sort=cheapest')).sort).toBe('name');
    expect(filtersToSearch(NO_FILTERS)).toBe('');
  });
});
