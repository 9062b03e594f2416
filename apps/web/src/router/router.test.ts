import { describe, expect, it } from 'vitest';
import { matchPath, navigate, safeLocalPath } from './router';

describe('router', () => {
  it('matches patterns segment by segment and decodes parameters', () => {
    expect(matchPath('/orders/:orderId', '/orders/ord_1%2Fx')).toEqual({ orderId: 'ord_1/x' });
    expect(matchPath('/orders/:orderId', '/orders')).toBeNull();
    expect(matchPath('/admin', '/admin/')).toEqual({});
    expect(matchPath('/products/:sku', '/products/%E0%A4%A')).toBeNull();
  });

  it('accepts only same-site paths as redirect targets', () => {
    expect(safeLocalPath('/checkout')).toBe('/checkout');
    expect(safeLocalPath('//evil.example')).toBe('/');
    expect(safeLocalPath('https://evil.example')).toBe('/');
    expect(safeLocalPath('/\\evil.example')).toBe('/');
    expect(safeLocalPath(null, '/admin')).toBe('/admin');
  });

  it('changes the address bar without a reload', () => {
    navigate('/cart?from=test');
    expect(window.location.pathname + window.location.search).toBe('/cart?from=test');
    navigate('/', { replace: true });
    expect(window.location.pathname).toBe('/');
  });
});
