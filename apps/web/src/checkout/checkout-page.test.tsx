import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionStore } from '../auth/session';
import { createCartStore } from '../cart/cart-store';
import { fakeFetch, json, problem } from '../test-support/fake-fetch';
import { demoToken, order, product } from '../test-support/fixtures';
import { CheckoutPage } from './checkout-page';

const catalog = [product({ sku: 'MUG-001', name: 'Meridian Mug', priceMinor: 1450 })];

function fillAddress() {
  fireEvent.change(screen.getByLabelText('Address'), { target: { value: '1 Main St' } });
  fireEvent.change(screen.getByLabelText('City'), { target: { value: 'Springfield' } });
  fireEvent.change(screen.getByLabelText('Postal code'), { target: { value: '12345' } });
}

describe('checkout', () => {
  beforeEach(() => {
    localStorage.clear();
    window.history.replaceState(null, '', '/checkout');
    sessionStore.signIn(demoToken({ sub: 'alice', name: 'Alice Rivera' }), 'local');
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  function renderWithCart() {
    const cart = createCartStore(localStorage);
    cart.add('MUG-001', 2);
    render(<CheckoutPage cart={cart} />);
    return cart;
  }

  it('validates the address before sending, names each problem and focuses the first one', async () => {
    const { requests } = fakeFetch({ 'GET /api/v1/products': () => json({ items: catalog }) });
    renderWithCart();
    fireEvent.change(await screen.findByLabelText('Country code'), { target: { value: 'u' } });

    fireEvent.click(screen.getByRole('button', { name: /^Place order/ }));

    expect(screen.getByText('Enter your address.')).toBeTruthy();
    expect(screen.getByText('Enter your city.')).toBeTruthy();
    expect(screen.getByText('Use a two-letter country code, such as US, DE or JP.')).toBeTruthy();
    expect(screen.getByLabelText('Address').getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(screen.getByLabelText('Address'));
    expect(requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('shows a problem+json answer as a readable message and marks the field the API named', async () => {
    const { requests } = fakeFetch({
      'GET /api/v1/products': () => json({ items: catalog }),
      'POST /api/v1/orders': () =>
        problem(400, 'invalid_request', 'The request does not match the API schema.', {
          errors: [{ path: 'shippingAddress.postalCode', message: 'Too long for the carrier' }],
        }),
    });
    renderWithCart();
    await screen.findByLabelText('Address');
    fillAddress();

    fireEvent.click(screen.getByRole('button', { name: /^Place order/ }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Placing the order failed: Some details need fixing.');
    expect(alert.textContent).toContain('Postal code: Too long for the carrier');
    expect(alert.textContent).not.toContain('{');
    expect(screen.getByLabelText('Postal code').getAttribute('aria-invalid')).toBe('true');
    const sent = requests.find((r) => r.method === 'POST');
    expect(sent?.headers.get('authorization')).toMatch(/^Bearer /);
    expect(sent?.body).toEqual({
      items: [{ sku: 'MUG-001', quantity: 2 }],
      paymentMethod: 'pm_card_visa',
      shippingAddress: {
        name: 'Alice Rivera',
        line1: '1 Main St',
        city: 'Springfield',
        postalCode: '12345',
        country: 'US',
      },
    });
  });

  it('resends an unchanged checkout with the same Idempotency-Key and a changed one with a new key', async () => {
    const { requests } = fakeFetch({
      'GET /api/v1/products': () => json({ items: catalog }),
      'POST /api/v1/orders': () => problem(503, 'transient', 'Try again.'),
    });
    renderWithCart();
    await screen.findByLabelText('Address');
    fillAddress();
    const place = () => fireEvent.click(screen.getByRole('button', { name: /^Place order/ }));

    place();
    await screen.findByRole('alert');
    place();
    await waitFor(() => expect(requests.filter((r) => r.method === 'POST')).toHaveLength(2));
    fireEvent.click(screen.getByLabelText(/Mastercard/));
    place();
    await waitFor(() => expect(requests.filter((r) => r.method === 'POST')).toHaveLength(3));

    const keys = requests.filter((r) => r.method === 'POST').map((r) => r.headers.get('idempotency-key'));
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('on success empties the cart and opens the order page', async () => {
    fakeFetch({
      'GET /api/v1/products': () => json({ items: catalog }),
      'POST /api/v1/orders': () => json(order({ orderId: 'ord_NEW_us-east-1' }), 202),
    });
    const cart = renderWithCart();
    await screen.findByLabelText('Address');
    fillAddress();

    fireEvent.click(screen.getByRole('button', { name: /^Place order/ }));

    await waitFor(() => expect(window.location.pathname).toBe('/orders/ord_NEW_us-east-1'));
    expect(cart.lines()).toEqual([]);
  });

  it('asks a signed-out visitor to sign in and keeps the cart', () => {
    sessionStore.signOut();
    fakeFetch({});
    const cart = renderWithCart();

    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe(
      '/sign-in?next=%2Fcheckout',
    );
    expect(cart.lines()).toHaveLength(1);
  });
});
