import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, json } from '../test-support/fake-fetch';
import { product } from '../test-support/fixtures';
import { CartPage } from './cart-page';
import { createCartStore } from './cart-store';

const catalog = [
  product({ sku: 'MUG-001', name: 'Meridian Mug', priceMinor: 1450 }),
  product({
    sku: 'TEE-001',
    name: 'Latitude T-shirt',
    priceMinor: 2400,
    stock: { available: 1, reserved: 0, sold: 0, byRegion: [] },
  }),
];

describe('cart page', () => {
  beforeEach(() => {
    localStorage.clear();
    fakeFetch({ 'GET /api/v1/products': () => json({ items: catalog }) });
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('shows the lines kept from before a reload, priced from the live catalog', async () => {
    createCartStore(localStorage).add('MUG-001', 2);

    render(<CartPage cart={createCartStore(localStorage)} />);

    expect(await screen.findByRole('link', { name: 'Meridian Mug' })).toBeTruthy();
    expect(screen.getByTestId('subtotal').textContent).toBe('$29.00');
  });

  it('updates the subtotal and the stored cart when a quantity changes, and empties on remove', async () => {
    const cart = createCartStore(localStorage);
    cart.add('MUG-001');
    render(<CartPage cart={cart} />);

    fireEvent.change(await screen.findByLabelText('Quantity of Meridian Mug'), { target: { value: '3' } });

    expect(screen.getByTestId('subtotal').textContent).toBe('$43.50');
    expect(createCartStore(localStorage).lines()).toEqual([{ sku: 'MUG-001', quantity: 3 }]);

    fireEvent.click(screen.getByRole('button', { name: 'Remove Meridian Mug' }));

    expect(screen.getByText('Your cart is empty.')).toBeTruthy();
  });

  it('blocks checkout with a readable reason when the shop has fewer units than the cart', async () => {
    const cart = createCartStore(localStorage);
    cart.add('TEE-001', 2);
    render(<CartPage cart={cart} />);

    expect((await screen.findByRole('alert')).textContent).toContain('Only 1 × Latitude T-shirt left.');
    expect(screen.queryByRole('link', { name: /check out/i })).toBeNull();
  });
});
