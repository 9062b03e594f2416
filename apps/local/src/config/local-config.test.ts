import { describe, expect, it } from 'vitest';
import { loadLocalConfig } from './local-config';

describe('loadLocalConfig', () => {
  it('uses the key file for the payment simulator unless a key is given, treating an empty value as unset', () => {
    expect(loadLocalConfig({}).paymentsApiKeyOverride).toBeUndefined();
    expect(loadLocalConfig({ MERIDIAN_PAYMENTS_API_KEY: '' }).paymentsApiKeyOverride).toBeUndefined();
    expect(loadLocalConfig({ MERIDIAN_PAYMENTS_API_KEY: 'sk_test_other' }).paymentsApiKeyOverride).toBe(
      'sk_test_other',
    );
    expect(loadLocalConfig({ MERIDIAN_DATA_DIR: '/tmp/m' }).keyFiles).toEqual({
      paymentsApiKey: '/tmp/m/payments-api-key',
      region: '/tmp/m/region-key',
    });
  });

  it('listens on loopback unless MERIDIAN_HOST says otherwise, and names a reachable address', () => {
    const local = loadLocalConfig({ MERIDIAN_PORT: '9000' });
    expect(local).toMatchObject({
      host: '127.0.0.1',
      frontDoorUrl: 'http://127.0.0.1:9000',
      publicUrl: 'http://localhost:9000',
    });
    expect(loadLocalConfig({ MERIDIAN_HOST: '0.0.0.0', MERIDIAN_PORT: '9000' })).toMatchObject({
      host: '0.0.0.0',
      frontDoorUrl: 'http://127.0.0.1:9000',
    });
    expect(loadLocalConfig({ MERIDIAN_HOST: '192.168.1.20', MERIDIAN_PORT: '9000' })).toMatchObject({
      frontDoorUrl: 'http://192.168.1.20:9000',
      publicUrl: 'http://192.168.1.20:9000',
    });
    expect(() => loadLocalConfig({ MERIDIAN_HOST: 'http://example.com/' })).toThrow(/MERIDIAN_HOST/);
  });

  it('refuses a bad setting with a message naming it', () => {
    expect(() => loadLocalConfig({ MERIDIAN_SAGA_CONCURRENCY: '0' })).toThrow(/MERIDIAN_SAGA_CONCURRENCY/);
    expect(() => loadLocalConfig({ MERIDIAN_RATE_LIMIT_PER_ADDRESS: '0' })).toThrow(
      /MERIDIAN_RATE_LIMIT_PER_ADDRESS/,
    );
  });
});
