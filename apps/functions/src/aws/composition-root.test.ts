import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const BASE_ENV = {
  AWS_REGION: 'eu-west-1',
  TABLE_NAME: 'meridian',
  MERIDIAN_REGIONS: 'eu-west-1,us-east-1',
  MERIDIAN_ACCOUNT: '123456789012',
};

/** The composition root keeps singletons per module instance: each test gets a fresh one. */
async function freshRoot(env: Record<string, string>) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.resetModules();
  return import('./composition-root');
}

describe('AWS composition root', () => {
  beforeEach(() => {
    for (const name of ['MERIDIAN_REGION', 'PAYMENT_PROVIDER_URL', 'MERIDIAN_REGIONS', 'TABLE_NAME'])
      vi.stubEnv(name, undefined);
  });
  afterEach(() => vi.unstubAllEnvs());

  it('builds the domain context once per container from the environment', async () => {
    const root = await freshRoot(BASE_ENV);

    const ctx = root.domainContext();

    expect(root.domainContext()).toBe(ctx);
    expect(ctx.region).toBe('eu-west-1');
    expect(ctx.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(ctx.ids.next()).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('refuses a region list that leaves this region out', async () => {
    const root = await freshRoot({ ...BASE_ENV, MERIDIAN_REGIONS: 'us-east-1' });

    expect(() => root.domainContext()).toThrow('does not include this region, eu-west-1');
  });

  it('gives saga steps without a payment provider URL everything else, failing only on a payment call', async () => {
    const root = await freshRoot(BASE_ENV);

    const deps = root.sagaDependencies();
    const payment = deps.payments.void({ idempotencyKey: 'k', authorizationId: 'auth_1' });

    await expect(payment).rejects.toThrow('PAYMENT_PROVIDER_URL is not set');
    expect(deps.ctx.region).toBe('eu-west-1');
  });
});
