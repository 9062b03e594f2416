import { HttpPaymentProvider, PaymentProviderRequestError } from '@meridian/adapters-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerFor, postJson, startTestSimulator, type TestSimulator, unique } from './test-kit';

const API_KEY = 'sk_test_api_key_check';

/**
 * With an API key configured, every /v1 route needs it, as Stripe's do: payment operations, the ledger and
 * authorization look-ups (they show every order's payments), and the chaos control (it can fail payments).
 */
describe('payment simulator API key', () => {
  let simulator: TestSimulator;

  beforeAll(async () => {
    simulator = await startTestSimulator({}, { apiKey: API_KEY });
  });

  afterAll(async () => {
    await simulator?.dispose();
  });

  const authorization = (orderId: string) => ({
    amount: 1500,
    currency: 'usd',
    payment_method: 'pm_card_visa',
    order_id: orderId,
  });

  it.each([
    ['no key', undefined, 'You did not provide an API key'],
    ['a wrong key', 'Bearer sk_test_wrong', 'Invalid API Key provided.'],
    ['a key that is not a bearer token', API_KEY, 'You did not provide an API key'],
  ])('refuses a payment with %s (401) and records nothing', async (_, header, message) => {
    const orderId = unique('order');
    const response = await fetch(`${simulator.url}/v1/authorizations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': unique('key'),
        ...(header === undefined ? {} : { authorization: header }),
      },
      body: JSON.stringify(authorization(orderId)),
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'api_key_invalid' });
    expect(body.error.message).toContain(message);
    expect(await ledgerFor(simulator.url, orderId, API_KEY)).toEqual([]);
  });

  it('accepts the region client when it sends the key, and refuses it as a request error when it does not', async () => {
    const orderId = unique('order');
    const withKey = new HttpPaymentProvider({
      baseUrl: simulator.url,
      apiKey: { value: async () => API_KEY, invalidate: () => {} },
    });
    const authorized = await withKey.authorize({
      idempotencyKey: unique('key'),
      orderId,
      amountMinor: 1500,
      currency: 'usd',
      paymentMethod: 'pm_card_visa',
    });
    expect(authorized.status).toBe('authorized');
    expect((await ledgerFor(simulator.url, orderId, API_KEY)).map((entry) => entry.type)).toEqual([
      'authorization',
    ]);

    const withoutKey = new HttpPaymentProvider({ baseUrl: simulator.url });
    const failure = await withoutKey
      .authorize({
        idempotencyKey: unique('key'),
        orderId: unique('order'),
        amountMinor: 1500,
        currency: 'usd',
        paymentMethod: 'pm_card_visa',
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PaymentProviderRequestError);
    expect(failure).toMatchObject({ status: 401, code: 'api_key_invalid' });
  });

  it.each([
    ['GET', '/v1/ledger', undefined],
    ['GET', '/v1/ledger?order_id=o1', undefined],
    ['GET', '/v1/authorizations?idempotency_key=k1', undefined],
    ['GET', '/v1/chaos', undefined],
    ['PUT', '/v1/chaos', { errorRate: 1 }],
  ])('refuses %s %s without the key (401), and changes nothing', async (method, path, body) => {
    for (const authorization of [undefined, 'Bearer sk_test_wrong']) {
      const response = await fetch(`${simulator.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(authorization ? { authorization } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect(response.status, `${method} ${path} with ${authorization}`).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('api_key_invalid');
    }
    const chaos = await fetch(`${simulator.url}/v1/chaos`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(await chaos.json()).toEqual({ latencyMs: 0, errorRate: 0 });
  });

  it('serves the ledger and the chaos control to a caller with the key, and the health check to anyone', async () => {
    expect((await fetch(`${simulator.url}/health`)).status).toBe(200);
    const withKey = { authorization: `Bearer ${API_KEY}` };
    expect((await fetch(`${simulator.url}/v1/ledger`, { headers: withKey })).status).toBe(200);
    const chaos = await fetch(`${simulator.url}/v1/chaos`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...withKey },
      body: JSON.stringify({ latencyMs: 0 }),
    });
    expect(chaos.status).toBe(200);
    // postJson sends no key: refused.
    expect(
      (await postJson(simulator.url, '/v1/authorizations', authorization(unique('o')), unique('k'))).status,
    ).toBe(401);
  });
});
