import { PaymentDeclinedError, TransientError } from '@meridian/domain';
import { describe, expect, it } from 'vitest';
import { HttpPaymentProvider } from './http-payment-provider';
import { PaymentProviderRequestError } from './payment-provider-request-error';

interface SentRequest {
  url: string;
  init: RequestInit;
}

/** A fetch that records what it was sent and answers with a fixed status and body. */
function answering(status: number, body: unknown): { fetch: typeof fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(input), init: init ?? {} });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(text, { status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: fake as typeof fetch, sent };
}

const authorizeRequest = {
  idempotencyKey: 'order-1:authorize',
  orderId: 'order-1',
  amountMinor: 4200,
  currency: 'EUR',
  paymentMethod: 'pm_card_visa',
};

function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

describe('HttpPaymentProvider', () => {
  it('sends the API key as a bearer token, from a value or fetched per request, and none without one', async () => {
    const okBody = {
      id: 'auth_1',
      object: 'authorization',
      status: 'authorized',
      amount: 4200,
      currency: 'EUR',
    };
    const headerOf = (request: SentRequest | undefined) =>
      new Headers(request?.init.headers).get('authorization');

    const fixed = answering(201, okBody);
    await new HttpPaymentProvider({
      baseUrl: 'http://payments.test',
      apiKey: 'sk_test_1',
      fetch: fixed.fetch,
    }).authorize(authorizeRequest);
    expect(headerOf(fixed.sent[0])).toBe('Bearer sk_test_1');

    const fetched = answering(201, okBody);
    const keys = ['sk_live_a', 'sk_live_b'];
    const provider = new HttpPaymentProvider({
      baseUrl: 'http://payments.test',
      apiKey: { value: async () => keys.shift() ?? 'none left', invalidate: () => {} },
      fetch: fetched.fetch,
    });
    await provider.authorize(authorizeRequest);
    await provider.authorize(authorizeRequest);
    expect(fetched.sent.map(headerOf)).toEqual(['Bearer sk_live_a', 'Bearer sk_live_b']);

    const none = answering(201, okBody);
    await new HttpPaymentProvider({ baseUrl: 'http://payments.test', fetch: none.fetch }).authorize(
      authorizeRequest,
    );
    expect(headerOf(none.sent[0])).toBeNull();
  });

  it('reads the key again and repeats the call once when the provider refuses it (401)', async () => {
    const sent: string[] = [];
    const answers = [
      { status: 401, body: { error: { type: 'invalid_request_error', code: 'api_key_invalid' } } },
      {
        status: 201,
        body: { id: 'auth_1', object: 'authorization', status: 'authorized', amount: 4200, currency: 'EUR' },
      },
    ];
    const fetch = (async (_input: string | URL | Request, init?: RequestInit) => {
      sent.push(
        `${new Headers(init?.headers).get('authorization')} ${new Headers(init?.headers).get('idempotency-key')}`,
      );
      const answer = answers.shift() ?? { status: 500, body: {} };
      return new Response(JSON.stringify(answer.body), { status: answer.status });
    }) as typeof globalThis.fetch;
    let current = 'sk_old';
    let invalidated = 0;
    const provider = new HttpPaymentProvider({
      baseUrl: 'http://payments.test',
      apiKey: {
        value: async () => current,
        invalidate: () => {
          invalidated++;
          current = 'sk_rotated';
        },
      },
      fetch,
    });

    expect(await provider.authorize(authorizeRequest)).toMatchObject({ status: 'authorized' });
    expect(invalidated).toBe(1);
    expect(sent).toEqual(['Bearer sk_old order-1:authorize', 'Bearer sk_rotated order-1:authorize']);
  });

  it('fails the call on a second 401 and lets a secret that can never work fail without retries', async () => {
    const refused = answering(401, { error: { type: 'invalid_request_error', code: 'api_key_invalid' } });
    const source = { value: async () => 'sk_wrong', invalidate: () => {} };
    const failure = await failureOf(
      new HttpPaymentProvider({
        baseUrl: 'http://payments.test',
        apiKey: source,
        fetch: refused.fetch,
      }).authorize(authorizeRequest),
    );
    expect(failure).toBeInstanceOf(PaymentProviderRequestError);
    expect(refused.sent).toHaveLength(2);

    const unusable = Object.assign(new Error('Secret x has no string value'), { retryable: false });
    const broken = {
      value: async () => {
        throw unusable;
      },
      invalidate: () => {},
    };
    const { fetch, sent } = answering(201, {});
    const permanent = await failureOf(
      new HttpPaymentProvider({ baseUrl: 'http://payments.test', apiKey: broken, fetch }).authorize(
        authorizeRequest,
      ),
    );
    expect(permanent).toBe(unusable);
    expect(permanent).not.toBeInstanceOf(TransientError);
    expect(sent).toEqual([]);
  });

  it('turns a failure to fetch the API key into a transient error, without calling the provider', async () => {
    const { fetch, sent } = answering(201, {});
    const provider = new HttpPaymentProvider({
      baseUrl: 'http://payments.test',
      apiKey: {
        value: async () => {
          throw new Error('ThrottlingException: Rate exceeded');
        },
        invalidate: () => {},
      },
      fetch,
    });
    const failure = await failureOf(provider.authorize(authorizeRequest));
    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).message).toContain('Rate exceeded');
    expect(sent).toEqual([]);
  });

  it('posts the authorization with the idempotency key and maps the answer', async () => {
    const { fetch, sent } = answering(201, {
      id: 'auth_1',
      object: 'authorization',
      status: 'authorized',
      amount: 4200,
      currency: 'EUR',
      order_id: 'order-1',
      payment_method: 'pm_card_visa',
    });
    const provider = new HttpPaymentProvider({ baseUrl: 'http://payments.test/', fetch });

    const result = await provider.authorize(authorizeRequest);

    expect(result).toEqual({
      authorizationId: 'auth_1',
      operationId: 'auth_1',
      status: 'authorized',
      amountMinor: 4200,
      currency: 'EUR',
    });
    expect(sent[0]?.url).toBe('http://payments.test/v1/authorizations');
    expect(sent[0]?.init.method).toBe('POST');
    expect(new Headers(sent[0]?.init.headers).get('idempotency-key')).toBe('order-1:authorize');
    expect(JSON.parse(String(sent[0]?.init.body))).toEqual({
      amount: 4200,
      currency: 'EUR',
      payment_method: 'pm_card_visa',
      order_id: 'order-1',
    });
  });

  it('addresses follow-up operations to the authorization and reads its id from the answer', async () => {
    const { fetch, sent } = answering(200, {
      id: 'ref_9',
      object: 'refund',
      status: 'refunded',
      authorization_id: 'auth/1',
      amount: 100,
      currency: 'EUR',
    });
    const provider = new HttpPaymentProvider({ baseUrl: 'http://payments.test', fetch });

    const result = await provider.refund({
      idempotencyKey: 'k',
      authorizationId: 'auth/1',
      amountMinor: 100,
    });
    await provider.void({ idempotencyKey: 'k2', authorizationId: 'auth/1' });

    expect(result).toEqual({
      authorizationId: 'auth/1',
      operationId: 'ref_9',
      status: 'refunded',
      amountMinor: 100,
      currency: 'EUR',
    });
    expect(sent.map((request) => request.url)).toEqual([
      'http://payments.test/v1/authorizations/auth%2F1/refund',
      'http://payments.test/v1/authorizations/auth%2F1/void',
    ]);
    expect(JSON.parse(String(sent[0]?.init.body))).toEqual({ amount: 100 });
  });

  it.each([
    [
      { code: 'card_declined', decline_code: 'generic_decline' },
      'generic_decline',
      'Your card was declined.',
    ],
    [
      { code: 'card_declined', decline_code: 'insufficient_funds' },
      'insufficient_funds',
      'Your card was declined (insufficient funds).',
    ],
    [{ code: 'expired_card' }, 'expired_card', 'Your card was declined (expired card).'],
  ])('maps a 402 %j to PaymentDeclinedError(%s)', async (error, declineCode, message) => {
    const { fetch } = answering(402, { error: { type: 'card_error', message: 'provider text', ...error } });
    const provider = new HttpPaymentProvider({ baseUrl: 'http://payments.test', fetch });

    const failure = await failureOf(provider.authorize(authorizeRequest));

    expect(failure).toBeInstanceOf(PaymentDeclinedError);
    expect(failure).toMatchObject({ declineCode, message });
  });

  it.each([500, 502, 503, 429])(
    'maps HTTP %i to TransientError, even with a non-JSON body',
    async (status) => {
      const { fetch } = answering(status, '<html>Bad gateway</html>');
      const provider = new HttpPaymentProvider({ baseUrl: 'http://payments.test', fetch });

      const failure = await failureOf(
        provider.capture({ idempotencyKey: 'k', authorizationId: 'a', amountMinor: 1 }),
      );

      expect(failure).toBeInstanceOf(TransientError);
      expect((failure as Error).name).toBe('TransientError');
      expect((failure as Error).message).toContain(`HTTP ${status}`);
    },
  );

  it('maps other 4xx answers to a non-retryable PaymentProviderRequestError with the provider message', async () => {
    const message = "Cannot capture authorization 'a': it is voided.";
    const { fetch } = answering(409, {
      error: { type: 'invalid_request_error', code: 'authorization_unexpected_state', message },
    });
    const provider = new HttpPaymentProvider({ baseUrl: 'http://payments.test', fetch });

    const failure = await failureOf(
      provider.capture({ idempotencyKey: 'k', authorizationId: 'a', amountMinor: 1 }),
    );

    expect(failure).toBeInstanceOf(PaymentProviderRequestError);
    expect(failure).not.toBeInstanceOf(TransientError);
    expect(failure).toMatchObject({ status: 409, code: 'authorization_unexpected_state', message });
  });

  it('maps a network failure to TransientError', async () => {
    const fetch = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    const provider = new HttpPaymentProvider({ baseUrl: 'http://payments.test', fetch });

    const failure = await failureOf(provider.void({ idempotencyKey: 'k', authorizationId: 'a' }));

    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).message).toContain('fetch failed');
  });

  it('gives up after timeoutMs with a TransientError', async () => {
    // Never answers; only the abort signal ends the call, as with a hung provider.
    const fetch = ((_input: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof globalThis.fetch;
    const provider = new HttpPaymentProvider({ baseUrl: 'http://payments.test', timeoutMs: 20, fetch });

    const failure = await failureOf(provider.authorize(authorizeRequest));

    expect(failure).toBeInstanceOf(TransientError);
    expect((failure as Error).message).toContain('within 20 ms');
  });

  it('rejects a success answer it cannot read instead of inventing a result', async () => {
    const { fetch } = answering(200, {
      id: 'cap_1',
      object: 'capture',
      status: 'captured',
      amount: 1,
      currency: 'EUR',
    });
    const provider = new HttpPaymentProvider({ baseUrl: 'http://payments.test', fetch });

    const failure = await failureOf(
      provider.capture({ idempotencyKey: 'k', authorizationId: 'a', amountMinor: 1 }),
    );

    expect(failure).toBeInstanceOf(PaymentProviderRequestError);
    expect(failure).toMatchObject({ code: 'invalid_response' });
  });

  it('finds an authorization by idempotency key with a GET, mapping it, and an empty list to undefined', async () => {
    const found = answering(200, {
      object: 'list',
      has_more: false,
      data: [
        {
          id: 'auth_1',
          object: 'authorization',
          status: 'captured',
          amount: 4200,
          amount_captured: 4200,
          amount_refunded: 0,
          currency: 'EUR',
          order_id: 'order-1',
        },
      ],
    });
    const provider = new HttpPaymentProvider({
      baseUrl: 'http://payments.test',
      apiKey: 'sk_1',
      fetch: found.fetch,
    });

    expect(await provider.findAuthorization({ idempotencyKey: 'order-1:authorize' })).toEqual({
      authorizationId: 'auth_1',
      status: 'captured',
      amountMinor: 4200,
      capturedMinor: 4200,
      refundedMinor: 0,
      currency: 'EUR',
    });
    expect(found.sent.map((request) => [request.init.method, request.url, request.init.body])).toEqual([
      ['GET', 'http://payments.test/v1/authorizations?idempotency_key=order-1%3Aauthorize', undefined],
    ]);
    expect(new Headers(found.sent[0]?.init.headers).get('authorization')).toBe('Bearer sk_1');
    expect(new Headers(found.sent[0]?.init.headers).get('idempotency-key')).toBeNull();

    const none = answering(200, { object: 'list', has_more: false, data: [] });
    expect(
      await new HttpPaymentProvider({ baseUrl: 'http://payments.test', fetch: none.fetch }).findAuthorization(
        {
          idempotencyKey: 'k',
        },
      ),
    ).toBeUndefined();

    const down = answering(503, { error: { message: 'down' } });
    await expect(
      new HttpPaymentProvider({ baseUrl: 'http://payments.test', fetch: down.fetch }).findAuthorization({
        idempotencyKey: 'k',
      }),
    ).rejects.toThrow(TransientError);
  });
});
