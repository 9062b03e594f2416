import { HttpPaymentProvider, PaymentProviderRequestError } from '@meridian/adapters-node';
import { PaymentDeclinedError, TransientError } from '@meridian/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerFor, startTestSimulator, type TestSimulator, unique } from './test-kit';

let simulator: TestSimulator;
let provider: HttpPaymentProvider;

beforeAll(async () => {
  simulator = await startTestSimulator();
  provider = new HttpPaymentProvider({ baseUrl: simulator.url });
});

afterAll(async () => {
  await simulator.dispose();
});

function authorize(orderId: string, paymentMethod = 'pm_card_visa', amountMinor = 5000) {
  return provider.authorize({
    idempotencyKey: unique('auth'),
    orderId,
    amountMinor,
    currency: 'EUR',
    paymentMethod,
  });
}

describe('payment simulator through HttpPaymentProvider', () => {
  it('authorizes, captures and refunds, writing one ledger row per operation', async () => {
    const orderId = unique('order');
    const authorization = await authorize(orderId, 'pm_card_mastercard');
    const capture = await provider.capture({
      idempotencyKey: unique('cap'),
      authorizationId: authorization.authorizationId,
      amountMinor: 4000,
    });
    const refund = await provider.refund({
      idempotencyKey: unique('ref'),
      authorizationId: authorization.authorizationId,
      amountMinor: 1500,
    });

    expect(authorization).toMatchObject({ status: 'authorized', amountMinor: 5000, currency: 'EUR' });
    expect(authorization.operationId).toBe(authorization.authorizationId);
    expect(capture).toMatchObject({
      authorizationId: authorization.authorizationId,
      status: 'captured',
      amountMinor: 4000,
    });
    expect(refund).toMatchObject({
      authorizationId: authorization.authorizationId,
      status: 'refunded',
      amountMinor: 1500,
    });
    const ledger = await ledgerFor(simulator.url, orderId);
    expect(ledger.map((row) => [row.type, row.id, row.amount, row.authorization_id])).toEqual([
      ['authorization', authorization.operationId, 5000, authorization.authorizationId],
      ['capture', capture.operationId, 4000, authorization.authorizationId],
      ['refund', refund.operationId, 1500, authorization.authorizationId],
    ]);
  });

  it('allows partial refunds up to the captured amount and no further', async () => {
    const orderId = unique('order');
    const { authorizationId } = await authorize(orderId);
    await provider.capture({ idempotencyKey: unique('cap'), authorizationId, amountMinor: 3000 });
    await provider.refund({ idempotencyKey: unique('ref'), authorizationId, amountMinor: 2000 });

    const overRefund = provider.refund({ idempotencyKey: unique('ref'), authorizationId, amountMinor: 1001 });
    await expect(overRefund).rejects.toMatchObject({ status: 400, code: 'amount_too_large' });
    await provider.refund({ idempotencyKey: unique('ref'), authorizationId, amountMinor: 1000 });
    const afterFullRefund = provider.refund({
      idempotencyKey: unique('ref'),
      authorizationId,
      amountMinor: 1,
    });
    await expect(afterFullRefund).rejects.toMatchObject({
      status: 409,
      code: 'authorization_unexpected_state',
    });
    const ledger = await ledgerFor(simulator.url, orderId);
    expect(ledger.map((row) => row.type)).toEqual(['authorization', 'capture', 'refund', 'refund']);
  });

  it('authorizes then voids the full authorized amount', async () => {
    const orderId = unique('order');
    const authorization = await authorize(orderId);
    const voided = await provider.void({
      idempotencyKey: unique('void'),
      authorizationId: authorization.authorizationId,
    });

    expect(voided).toMatchObject({
      status: 'voided',
      amountMinor: 5000,
      authorizationId: authorization.authorizationId,
    });
    const ledger = await ledgerFor(simulator.url, orderId);
    expect(ledger.map((row) => [row.type, row.id])).toEqual([
      ['authorization', authorization.operationId],
      ['void', voided.operationId],
    ]);
  });

  it.each([
    ['pm_card_chargeDeclined', 'generic_decline', 'Your card was declined.'],
    [
      'pm_card_chargeDeclinedInsufficientFunds',
      'insufficient_funds',
      'Your card was declined (insufficient funds).',
    ],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'Your card was declined (expired card).'],
  ])('declines %s with %s and records one decline', async (paymentMethod, declineCode, message) => {
    const orderId = unique('order');

    const error = await authorize(orderId, paymentMethod).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PaymentDeclinedError);
    expect(error).toMatchObject({ declineCode, message, code: 'payment_declined' });
    const ledger = await ledgerFor(simulator.url, orderId);
    expect(ledger.map((row) => [row.type, row.decline_code, row.authorization_id])).toEqual([
      ['decline', declineCode, null],
    ]);
  });

  it('fails the transient test card twice per key, then succeeds once with the same key', async () => {
    const orderId = unique('order');
    const request = {
      idempotencyKey: unique('auth'),
      orderId,
      amountMinor: 700,
      currency: 'EUR',
      paymentMethod: 'pm_card_transientFailure',
    };

    await expect(provider.authorize(request)).rejects.toBeInstanceOf(TransientError);
    await expect(provider.authorize(request)).rejects.toBeInstanceOf(TransientError);
    const result = await provider.authorize(request);
    const replay = await provider.authorize(request);

    expect(result.status).toBe('authorized');
    expect(replay).toEqual(result);
    expect(await ledgerFor(simulator.url, orderId)).toHaveLength(1);
  });

  it('rejects invalid transitions without touching the ledger', async () => {
    const orderId = unique('order');
    const voided = await authorize(orderId);
    await provider.void({ idempotencyKey: unique('void'), authorizationId: voided.authorizationId });
    const uncaptured = await authorize(orderId);
    const captured = await authorize(orderId);
    await provider.capture({
      idempotencyKey: unique('cap'),
      authorizationId: captured.authorizationId,
      amountMinor: 5000,
    });
    const rowsBefore = (await ledgerFor(simulator.url, orderId)).length;

    const attempts = [
      provider.capture({
        idempotencyKey: unique('cap'),
        authorizationId: voided.authorizationId,
        amountMinor: 1,
      }),
      provider.refund({
        idempotencyKey: unique('ref'),
        authorizationId: uncaptured.authorizationId,
        amountMinor: 1,
      }),
      provider.void({ idempotencyKey: unique('void'), authorizationId: captured.authorizationId }),
      provider.capture({
        idempotencyKey: unique('cap'),
        authorizationId: captured.authorizationId,
        amountMinor: 1,
      }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PaymentProviderRequestError);
      expect(error).toMatchObject({ status: 409, code: 'authorization_unexpected_state' });
    }
    const unknown = provider.void({ idempotencyKey: unique('void'), authorizationId: 'auth_missing' });
    await expect(unknown).rejects.toMatchObject({ status: 404, code: 'resource_missing' });
    const tooMuch = provider.capture({
      idempotencyKey: unique('cap'),
      authorizationId: uncaptured.authorizationId,
      amountMinor: 5001,
    });
    await expect(tooMuch).rejects.toMatchObject({ status: 400, code: 'amount_too_large' });
    expect(await ledgerFor(simulator.url, orderId)).toHaveLength(rowsBefore);
  });

  it('rejects an unknown payment method as a bad request, with no ledger row', async () => {
    const orderId = unique('order');

    const error = await authorize(orderId, 'pm_card_unknown').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PaymentProviderRequestError);
    expect(error).not.toBeInstanceOf(TransientError);
    expect(error).toMatchObject({
      status: 400,
      message: expect.stringContaining("No such PaymentMethod: 'pm_card_unknown'"),
    });
    expect(await ledgerFor(simulator.url, orderId)).toEqual([]);
  });
});
