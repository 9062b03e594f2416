import { describe, expect, it } from 'vitest';
import { checkRequestTarget, MAX_TARGET_LENGTH } from './request-target';

describe('checkRequestTarget', () => {
  it.each([
    '/api/v1/products',
    '/api/v1/products?limit=5&cursor=abc%3D%3D',
    '/api/v1/orders/ord_01J_us-east-1',
    '/api/v1/products/MUG-001',
    '/api/v1/orders/a%20b',
    '/',
    '/assets/index-abc.js',
    '/orders/',
    '/api/v1/products?q=a/b?c',
  ])('lets %s through as it is', (target) => {
    const checked = checkRequestTarget(target);
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(`${checked.path}${checked.query ? `?${checked.query}` : ''}`).toBe(target);
  });

  it.each([
    ['/api/v1/../../internal/replication/changes?from=x&limit=2000', 'dot segment'],
    ['/api/v1/./products', 'dot segment'],
    ['/api/v1/products/..', 'dot segment'],
    ['/api/v1/%2e%2e/%2e%2e/internal/link', 'escaped dot'],
    ['/api/v1/%2E%2E/internal/status', 'escaped dot'],
    ['/api/v1/.%2e/internal/status', 'escaped dot'],
    ['/api/v1/%2e./internal/status', 'escaped dot'],
    ['/api/v1/..%2finternal%2fstatus', 'escaped dot'],
    ['/api/v1/products%2f..%2f..%2finternal', 'escaped dot'],
    ['/api/v1/x%2Finternal', 'escaped'],
    ['/api/v1/x%5c..%5cinternal', 'escaped'],
    ['/api/v1\\..\\..\\internal\\link', 'escaped'],
    ['/api/v1/orders/%00', 'escaped'],
    ['/api/v1/orders/a%0d%0aSet-Cookie:x', 'escaped'],
    ['/api/v1/%252e%252e/%252e%252e/internal/status', 'escaped'],
    ['/api/v1//products', 'empty segment'],
    ['//internal/status', 'empty segment'],
    ['/api/v1/products/%zz', 'malformed'],
    ['/api/v1/products/%4', 'malformed'],
    ['http://127.0.0.1:8081/internal/status', 'must be a path'],
    ['*', 'must be a path'],
    ['internal/status', 'must be a path'],
    ['/api/v1/pro"ducts', 'must be escaped'],
    ['/api/v1/{x}', 'must be escaped'],
  ])('refuses %s (%s)', (target, why) => {
    const checked = checkRequestTarget(target);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked).toMatchObject({ status: 400, code: 'invalid_path' });
      expect(checked.detail.toLowerCase()).toContain(why.split(' ')[0]);
    }
  });

  it('refuses a target longer than the limit with 414', () => {
    expect(checkRequestTarget(`/api/v1/products?cursor=${'a'.repeat(MAX_TARGET_LENGTH)}`)).toMatchObject({
      ok: false,
      status: 414,
      code: 'uri_too_long',
    });
  });
});
