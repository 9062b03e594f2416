import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
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
    for (const name of [
      'MERIDIAN_REGION',
      'PAYMENT_PROVIDER_URL',
      'PAYMENT_PROVIDER_SECRET_ARN',
      'MERIDIAN_REGIONS',
      'TABLE_NAME',
    ])
      vi.stubEnv(name, undefined);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

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

  it('calls the payment provider with the API key read from Secrets Manager', async () => {
    const seen: Array<string | undefined> = [];
    const provider = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: 'void_1',
            object: 'void',
            status: 'voided',
            amount: 0,
            currency: 'eur',
            authorization_id: 'auth_1',
          }),
        ),
      );
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:meridian/payment-provider-AbCdEf';
    const send = vi
      .spyOn(SecretsManagerClient.prototype, 'send')
      .mockImplementation(async () => ({ SecretString: 'sk_live_from_secret' }));
    try {
      const root = await freshRoot({
        ...BASE_ENV,
        PAYMENT_PROVIDER_URL: `http://127.0.0.1:${(provider.address() as AddressInfo).port}`,
        PAYMENT_PROVIDER_SECRET_ARN: secretArn,
      });
      const { payments } = root.sagaDependencies();
      await payments.void({ idempotencyKey: 'k1', authorizationId: 'auth_1' });
      await payments.void({ idempotencyKey: 'k2', authorizationId: 'auth_1' });

      expect(seen).toEqual(['Bearer sk_live_from_secret', 'Bearer sk_live_from_secret']);
      // Read once for the container, not once per call.
      expect(send).toHaveBeenCalledTimes(1);
      const [command] = send.mock.calls[0] ?? [];
      expect((command as { input?: unknown } | undefined)?.input).toEqual({ SecretId: secretArn });
    } finally {
      provider.closeAllConnections();
      await new Promise((resolve) => provider.close(resolve));
    }
  });
});
