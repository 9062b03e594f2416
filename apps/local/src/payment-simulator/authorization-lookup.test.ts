import { HttpPaymentProvider } from '@meridian/adapters-node';
import { PaymentDeclinedError, TransientError } from '@meridian/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSimulator, type TestSimulator, unique } from './test-kit';

// GET /v1/authorizations?idempotency_key= tells a client whose answer was lost whether its authorize
// call created an authorization, and what became of it since.

let simulator: TestSimulator;
let provider: HttpPaymentProvider;

beforeAll(async () => {
  simulator = await startTestSimulator({}, { apiKey: 'sk_test_lookup' });
  provider = new HttpPaymentProvider({ baseUrl: simulator.url, apiKey: 'sk_test_lookup' });
});

afterAll(async () => {
  await simulator.dispose();
});

function authorize(idempotencyKey: string, paymentMethod = 'pm_card_visa') {
  return provider.authorize({
    idempotencyKey,
    orderId: unique('order'),
    amountMinor: 5000,
    currency: 'EUR',
    paymentMethod,
  });
}

describe('GET /v1/authorizations?idempotency_key= through HttpPaymentProvider.findAuthorization', () => {
  it('finds the authorization a key created, in its current state after capture and refund', async () => {
    const key = unique('auth');
    const { authorizationId } = await authorize(key);

    expect(await provider.findAuthorization({ idempotencyKey: key })).toEqual({
      authorizationId,
      status: 'authorized',
      amountMinor: 5000,
      capturedMinor: 0,
      refundedMinor: 0,
      currency: 'EUR',
    });

    await provider.capture({ idempotencyKey: unique('cap'), authorizationId, amountMinor: 5000 });
    expect(await provider.findAuthorization({ idempotencyKey: key })).toMatchObject({
      status: 'captured',
      capturedMinor: 5000,
      refundedMinor: 0,
    });

    await provider.refund({ idempotencyKey: unique('ref'), authorizationId, amountMinor: 2000 });
    expect(await provider.findAuthorization({ idempotencyKey: key })).toMatchObject({
      status: 'captured',
      capturedMinor: 5000,
      refundedMinor: 2000,
    });
  });

  it('shows a voided authorization as voided', async () => {
    const key = unique('auth');
    const { authorizationId } = await authorize(key);
    await provider.void({ idempotencyKey: unique('void'), authorizationId });

    expect((await provider.findAuthorization({ idempotencyKey: key }))?.status).toBe('voided');
  });

  it('finds nothing for an unused key, a declined one or one whose attempt failed before any effect', async () => {
    const declined = unique('auth');
    await expect(authorize(declined, 'pm_card_chargeDeclined')).rejects.toThrow(PaymentDeclinedError);
    const transient = unique('auth');
    await expect(authorize(transient, 'pm_card_transientFailure')).rejects.toThrow(TransientError);

    expect(await provider.findAuthorization({ idempotencyKey: unique('never') })).toBeUndefined();
    expect(await provider.findAuthorization({ idempotencyKey: declined })).toBeUndefined();
    expect(await provider.findAuthorization({ idempotencyKey: transient })).toBeUndefined();
  });

  it('answers the list shape and refuses a missing key', async () => {
    const key = unique('auth');
    const { authorizationId } = await authorize(key);

    const withKey = { headers: { authorization: 'Bearer sk_test_lookup' } };
    const found = await fetch(
      `${simulator.url}/v1/authorizations?idempotency_key=${encodeURIComponent(key)}`,
      withKey,
    );
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({
      object: 'list',
      has_more: false,
      data: [{ id: authorizationId, object: 'authorization', amount_captured: 0, amount_refunded: 0 }],
    });
    const missing = await fetch(`${simulator.url}/v1/authorizations`, withKey);
    expect(missing.status).toBe(400);
  });
});
