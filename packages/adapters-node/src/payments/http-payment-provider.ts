import type {
  AuthorizationState,
  AuthorizeRequest,
  CaptureRequest,
  FindAuthorizationRequest,
  LedgerPage,
  PaymentOperationResult,
  PaymentProvider,
  RefundRequest,
  VoidRequest,
} from '@meridian/domain';
import { TransientError } from '@meridian/domain';
import type * as z from 'zod';
import { type HttpClient, HttpTimeoutError, httpClientFrom } from '../http/http-client';
import { PaymentProviderRequestError } from './payment-provider-request-error';
import {
  authorizationListSchema,
  errorSchema,
  ledgerListSchema,
  parseJson,
  toError,
  toResult,
} from './provider-answers';

export interface HttpPaymentProviderOptions {
  /** e.g. http://127.0.0.1:8090 */
  baseUrl: string;
  /** Whole-request budget, including reading the body; default 2000. */
  timeoutMs?: number;
  /** The provider's API key, sent as `Authorization: Bearer <key>`: a value, or a source that fetches it. */
  apiKey?: string | ApiKeySource;
  /** Default: a pooled keep-alive client. */
  http?: HttpClient;
  /** Tests answer through a fake fetch instead. */
  fetch?: typeof fetch;
}

/** Where a key kept in a secret store comes from (Secrets Manager on AWS). */
export interface ApiKeySource {
  /** The current key; the source caches it as it sees fit. */
  value(): Promise<string>;
  /** The provider refused the key (401): read it afresh next time, it may have been rotated. */
  invalidate(): void;
}

/** PaymentProvider over the Stripe-style HTTP API of the local payment simulator. */
export class HttpPaymentProvider implements PaymentProvider {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly http: HttpClient;
  private readonly apiKey: HttpPaymentProviderOptions['apiKey'];

  constructor(options: HttpPaymentProviderOptions) {
    this.apiKey = options.apiKey;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.http = httpClientFrom(options);
  }

  authorize(request: AuthorizeRequest): Promise<PaymentOperationResult> {
    return this.post('/v1/authorizations', request.idempotencyKey, {
      amount: request.amountMinor,
      currency: request.currency,
      payment_method: request.paymentMethod,
      order_id: request.orderId,
    });
  }

  capture(request: CaptureRequest): Promise<PaymentOperationResult> {
    return this.post(operationPath(request.authorizationId, 'capture'), request.idempotencyKey, {
      amount: request.amountMinor,
    });
  }

  void(request: VoidRequest): Promise<PaymentOperationResult> {
    return this.post(operationPath(request.authorizationId, 'void'), request.idempotencyKey, {});
  }

  refund(request: RefundRequest): Promise<PaymentOperationResult> {
    return this.post(operationPath(request.authorizationId, 'refund'), request.idempotencyKey, {
      amount: request.amountMinor,
    });
  }

  /** `GET /v1/authorizations?idempotency_key=`: the authorization that key created, if any, as it is now. */
  async findAuthorization(request: FindAuthorizationRequest): Promise<AuthorizationState | undefined> {
    const [found] = await this.authorizations({ idempotency_key: request.idempotencyKey });
    return found;
  }

  /** `GET /v1/authorizations?order_id=`: every authorization of the order, as it is now. */
  listAuthorizations(request: { orderId: string }): Promise<AuthorizationState[]> {
    return this.authorizations({ order_id: request.orderId });
  }

  /** `GET /v1/ledger?limit=&starting_after=`: the provider's operations in the order they happened. */
  async listLedger(request: { startingAfter?: string; limit: number }): Promise<LedgerPage> {
    const query = new URLSearchParams({
      limit: String(request.limit),
      ...(request.startingAfter === undefined ? {} : { starting_after: request.startingAfter }),
    });
    const page = await this.read(`/v1/ledger?${query}`, ledgerListSchema);
    return {
      hasMore: page.has_more,
      entries: page.data.map((entry) => ({
        id: entry.id,
        type: entry.type,
        orderId: entry.order_id,
        authorizationId: entry.authorization_id,
        amountMinor: entry.amount,
        createdAt: entry.created,
      })),
    };
  }

  private async authorizations(query: Record<string, string>): Promise<AuthorizationState[]> {
    const list = await this.read(`/v1/authorizations?${new URLSearchParams(query)}`, authorizationListSchema);
    return list.data.map((found) => ({
      authorizationId: found.id,
      status: found.status,
      amountMinor: found.amount,
      capturedMinor: found.amount_captured,
      refundedMinor: found.amount_refunded,
      currency: found.currency,
    }));
  }

  /** A GET whose answer must match `schema`; errors map as for any call. */
  private async read<T>(path: string, schema: z.ZodType<T>): Promise<T> {
    const { status, text } = await this.send('GET', path);
    const payload = parseJson(text);
    if (status < 200 || status >= 300)
      throw toError(status, errorSchema.safeParse(payload).data?.error ?? {});
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      throw new PaymentProviderRequestError(
        status,
        'invalid_response',
        'Payment provider answered with an unexpected body',
      );
    }
    return parsed.data;
  }

  private async resolveApiKey(): Promise<string | undefined> {
    if (typeof this.apiKey !== 'object') return this.apiKey;
    try {
      return await this.apiKey.value();
    } catch (error) {
      // A secret that can never work (empty, malformed) fails the step; anything else (the store is
      // unreachable or throttled) is left to the saga's retries.
      if (error instanceof Error && (error as { retryable?: unknown }).retryable === false) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new TransientError(`Payment provider API key unavailable: ${reason}`);
    }
  }

  private async post(path: string, idempotencyKey: string, body: object): Promise<PaymentOperationResult> {
    const { status, text } = await this.send('POST', path, { idempotencyKey, body });
    const payload = parseJson(text);
    if (status >= 200 && status < 300) return toResult(status, payload);
    throw toError(status, errorSchema.safeParse(payload).data?.error ?? {});
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    write?: { idempotencyKey: string; body: object },
  ): Promise<{ status: number; text: string }> {
    let answer = await this.exchange(method, path, write);
    if (answer.status === 401 && typeof this.apiKey === 'object') {
      // A key rotated (or set for the first time) since it was cached: read it again and repeat once,
      // which the Idempotency-Key (or a GET) makes harmless.
      this.apiKey.invalidate();
      answer = await this.exchange(method, path, write);
    }
    return answer;
  }

  private async exchange(
    method: 'GET' | 'POST',
    path: string,
    write: { idempotencyKey: string; body: object } | undefined,
  ): Promise<{ status: number; text: string }> {
    const apiKey = await this.resolveApiKey();
    try {
      return await this.http.call({
        method,
        url: `${this.baseUrl}${path}`,
        headers: {
          ...(write && { 'content-type': 'application/json', 'idempotency-key': write.idempotencyKey }),
          ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
        },
        body: write && JSON.stringify(write.body),
        timeoutMs: this.timeoutMs,
        // The provider answers a repeated Idempotency-Key with the first answer; a GET changes nothing.
        idempotent: true,
      });
    } catch (error) {
      if (error instanceof HttpTimeoutError) {
        throw new TransientError(
          `Payment provider did not answer ${method} ${path} within ${this.timeoutMs} ms`,
        );
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new TransientError(`Payment provider unreachable (${method} ${path}): ${reason}`);
    }
  }
}

function operationPath(authorizationId: string, operation: 'capture' | 'void' | 'refund'): string {
  return `/v1/authorizations/${encodeURIComponent(authorizationId)}/${operation}`;
}
