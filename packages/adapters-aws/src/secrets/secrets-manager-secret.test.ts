import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { fakeAwsClient, scripted } from '../testing/fake-aws-client';
import { SecretsManagerSecret, UnusableSecretError } from './secrets-manager-secret';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:meridian/payment-provider-AbCdEf';

function secretWith(responses: unknown[], now: () => number = () => 0) {
  const { client, sent } = fakeAwsClient<SecretsManagerClient>(scripted(...responses));
  return { secret: new SecretsManagerSecret({ client, secretId: ARN, maxAgeMs: 1_000, now }), sent };
}

describe('SecretsManagerSecret', () => {
  it('reads the secret once for concurrent callers and again only after maxAgeMs', async () => {
    let time = 0;
    const { secret, sent } = secretWith(
      [{ SecretString: 'sk_live_1' }, { SecretString: 'sk_live_2' }],
      () => time,
    );

    expect(await Promise.all([secret.value(), secret.value(), secret.value()])).toEqual([
      'sk_live_1',
      'sk_live_1',
      'sk_live_1',
    ]);
    time = 999;
    expect(await secret.value()).toBe('sk_live_1');
    time = 1_000;
    expect(await secret.value()).toBe('sk_live_2');
    expect(sent).toEqual([
      { name: 'GetSecretValueCommand', input: { SecretId: ARN } },
      { name: 'GetSecretValueCommand', input: { SecretId: ARN } },
    ]);
  });

  it('takes the apiKey field of a JSON secret', async () => {
    const { secret } = secretWith([
      { SecretString: '{"apiKey": " sk_live_json ", "note": "rotated monthly"}' },
    ]);
    expect(await secret.value()).toBe('sk_live_json');
  });

  it.each([
    ['no string value', {}, 'has no string value'],
    ['an empty string', { SecretString: '  ' }, 'has no string value'],
    ['a JSON object without apiKey', { SecretString: '{"key": "x"}' }, 'without an "apiKey" string'],
  ])('refuses a secret with %s', async (_, answer, message) => {
    const { secret } = secretWith([answer]);
    const failure = await secret.value().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnusableSecretError);
    expect((failure as Error).message).toContain(message);
  });

  it('takes text that is not a JSON object as the key itself, even when it starts with a brace', async () => {
    const { secret } = secretWith([{ SecretString: '{x9Q"apiKey' }]);
    expect(await secret.value()).toBe('{x9Q"apiKey');
  });

  it('keeps using an expired value when reading it again fails, and reads at once after invalidate()', async () => {
    let time = 0;
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const { secret, sent } = secretWith(
      [{ SecretString: 'sk_old' }, throttled, { SecretString: 'sk_rotated' }],
      () => time,
    );
    expect(await secret.value()).toBe('sk_old');
    time = 5_000;
    expect(await secret.value()).toBe('sk_old');
    secret.invalidate();
    expect(await secret.value()).toBe('sk_rotated');
    expect(sent).toHaveLength(3);
  });

  it('does not remember a failed read: the next call asks again', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const { secret, sent } = secretWith([throttled, { SecretString: 'sk_live_after' }]);
    await expect(secret.value()).rejects.toThrow('Rate exceeded');
    expect(await secret.value()).toBe('sk_live_after');
    expect(sent).toHaveLength(2);
  });
});
