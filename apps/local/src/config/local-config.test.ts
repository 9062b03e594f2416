import { describe, expect, it } from 'vitest';
import { LOCAL_PAYMENTS_API_KEY } from '../payment-simulator/api-key';
import { loadLocalConfig } from './local-config';

describe('loadLocalConfig', () => {
  it('uses the local payment simulator key unless one is given, treating an empty value as unset', () => {
    expect(loadLocalConfig({}).paymentsApiKey).toBe(LOCAL_PAYMENTS_API_KEY);
    expect(loadLocalConfig({ MERIDIAN_PAYMENTS_API_KEY: '' }).paymentsApiKey).toBe(LOCAL_PAYMENTS_API_KEY);
    expect(loadLocalConfig({ MERIDIAN_PAYMENTS_API_KEY: 'sk_test_other' }).paymentsApiKey).toBe(
      'sk_test_other',
    );
  });

  it('refuses a bad setting with a message naming it', () => {
    expect(() => loadLocalConfig({ MERIDIAN_SAGA_CONCURRENCY: '0' })).toThrow(/MERIDIAN_SAGA_CONCURRENCY/);
  });
});
