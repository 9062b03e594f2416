import { beforeEach, describe, expect, it } from 'vitest';
import { cartCount, createCartStore, MAX_QUANTITY } from './cart-store';

describe('cart store', () => {
  beforeEach(() => localStorage.clear());

  it('survives a reload: a new store on the same storage sees the same lines', () => {
    const before = createCartStore(localStorage);
    before.add('MUG-001');
    before.add('MUG-001', 2);
    before.add('TEE-001');

    const afterReload = createCartStore(localStorage);

    expect(afterReload.lines()).toEqual([
      { sku: 'MUG-001', quantity: 3 },
      { sku: 'TEE-001', quantity: 1 },
    ]);
    expect(cartCount(afterReload.lines())).toBe(4);
  });

  it('keeps quantities within what the API accepts and drops a line set to zero', () => {
    const cart = createCartStore(localStorage);
    cart.add('MUG-001', 250);
    expect(cart.lines()).toEqual([{ sku: 'MUG-001', quantity: MAX_QUANTITY }]);

    cart.setQuantity('MUG-001', 0);

    expect(cart.lines()).toEqual([]);
    expect(localStorage.length).toBe(0);
  });

  it('starts empty instead of failing when the stored cart is corrupted', () => {
    localStorage.setItem('meridian.cart.v1', '{not json');
    expect(createCartStore(localStorage).lines()).toEqual([]);
    localStorage.setItem(
      'meridian.cart.v1',
      JSON.stringify([
        { sku: 'A-1', quantity: -2 },
        { sku: 'B-1', quantity: 2 },
      ]),
    );
    expect(createCartStore(localStorage).lines()).toEqual([{ sku: 'B-1', quantity: 2 }]);
  });

  it('tells subscribers about every change and returns a stable snapshot between changes', () => {
    const cart = createCartStore(localStorage);
    let calls = 0;
    const unsubscribe = cart.subscribe(() => calls++);
    const first = cart.lines();
    expect(cart.lines()).toBe(first);

    cart.add('MUG-001');
    cart.remove('MUG-001');
    unsubscribe();
    cart.add('MUG-001');

    expect(calls).toBe(2);
  });
});
