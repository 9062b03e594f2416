import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCartStore } from '../cart/cart-store';
import { fakeFetch, json, problem } from '../test-support/fake-fetch';
import { product } from '../test-support/fixtures';
import { CatalogPage } from './catalog-page';

const catalog = [
  product({ sku: 'MUG-001', name: 'Meridian Mug', category: 'kitchen' }),
  product({ sku: 'PEN-001', name: 'Brass Pen', category: 'stationery' }),
  product({
    sku: 'CLOCK-001',
    name: 'World Clock',
    category: 'office',
    stock: { available: 0, reserved: 0, sold: 5, byRegion: [] },
  }),
];

describe('catalog page', () => {
  beforeEach(() => {
    localStorage.clear();
    window.history.replaceState(null, '', '/');
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows a loading state, then every product with its stock; sold-out products cannot be added', async () => {
    fakeFetch({ 'GET /api/v1/products': () => json({ items: catalog }) });
    render(<CatalogPage cart={createCartStore(localStorage)} />);

    expect(screen.getByText('Loading the catalog…')).toBeTruthy();
    expect(await screen.findByText('3 products')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Add to cart: World Clock' }).hasAttribute('disabled')).toBe(
      true,
    );
    expect(screen.getByText('Out of stock')).toBeTruthy();
  });

  it('searches as you type, keeps the search in the URL, and offers to clear filters when nothing matches', async () => {
    fakeFetch({ 'GET /api/v1/products': () => json({ items: catalog }) });
    render(<CatalogPage cart={createCartStore(localStorage)} />);
    await screen.findByText('3 products');

    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'brass' } });

    expect(window.location.search).toBe('?q=brass');
    expect(screen.getByText('1 of 3 products')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Meridian Mug' })).toBeNull();

    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'teapot' } });
    expect(screen.getByText('No product matches these filters.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(screen.getByText('3 products')).toBeTruthy();
  });

  it('adds to the stored cart and says so', async () => {
    fakeFetch({ 'GET /api/v1/products': () => json({ items: catalog }) });
    const cart = createCartStore(localStorage);
    render(<CatalogPage cart={cart} />);

    fireEvent.click(await screen.findByRole('button', { name: 'Add to cart: Brass Pen' }));

    expect(screen.getByRole('status').textContent).toBe('Added Brass Pen to the cart.');
    expect(cart.lines()).toEqual([{ sku: 'PEN-001', quantity: 1 }]);
  });

  it('explains an API failure in words', async () => {
    fakeFetch({ 'GET /api/v1/products': () => problem(503, 'transient', 'The database is busy.') });
    render(<CatalogPage cart={createCartStore(localStorage)} />);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(
      'Loading the catalog failed: Meridian is briefly busy. Try again in a few seconds.',
    );
    expect(alert.textContent).toContain('The database is busy.');
  });
});
