import { PaymentDeclinedError } from '../payments/payment-errors';
import type {
  AuthorizationState,
  AuthorizeRequest,
  CaptureRequest,
  LedgerEntry,
  LedgerPage,
  PaymentOperationResult,
  PaymentProvider,
  RefundRequest,
  VoidRequest,
} from '../payments/payment-provider';
import { MeridianError, TransientError } from '../shared/errors';
import { type LosesAnswers, loseAnswerIfDue } from './answer-loss';

/** The provider refused an operation on an authorization in the wrong state (the simulator's 409). */
export class FakeProviderConflictError extends MeridianError {
  constructor(message: string) {
    super('authorization_unexpected_state', message);
  }
}

interface Authorization extends AuthorizationState {
  orderId: string;
}

export type PaymentOperation = 'authorize' | 'capture' | 'void' | 'refund';
type Operation = PaymentOperation;

/**
 * An in-memory payment provider for domain tests, faithful to the port and to the simulator's rules:
 * idempotency keys replay the first answer (per operation and authorization), a capture or void needs an
 * authorized payment, refunds add up to the capture, every effect is in the ledger. Faults, as the
 * saga meets them: `down` answers every call with a TransientError before any effect; `loseAnswers`
 * (any write) and `loseAnswersOf` (one operation) apply the next N writes and then throw as if the
 * answer were lost, after `onAnswerLost` ran; `declining` declines new authorizations. `calls` records
 * every call as `<operation> <key or id>`.
 */
export class FakePaymentProvider implements PaymentProvider, LosesAnswers<PaymentOperation> {
  readonly calls: string[] = [];
  readonly ledger: LedgerEntry[] = [];
  down = false;
  declining = false;
  loseAnswers = 0;
  readonly loseAnswersOf: Partial<Record<PaymentOperation, number>> = {};
  onAnswerLost: (operation: PaymentOperation) => Promise<unknown> = async () => undefined;
  private readonly authorizations = new Map<string, Authorization>();
  private readonly answers = new Map<string, PaymentOperationResult | Error>();
  private issued = 0;

  constructor(private readonly clock: { now(): number } = { now: () => 0 }) {}

  async authorize(request: AuthorizeRequest): Promise<PaymentOperationResult> {
    return this.write('authorize', request.idempotencyKey, '', () => {
      if (this.declining) {
        this.record('decline', request.orderId, null, request.amountMinor);
        return new PaymentDeclinedError('generic_decline', 'Your card was declined.');
      }
      const authorizationId = `auth_${++this.issued}`;
      this.authorizations.set(authorizationId, {
        authorizationId,
        orderId: request.orderId,
        status: 'authorized',
        amountMinor: request.amountMinor,
        capturedMinor: 0,
        refundedMinor: 0,
        currency: request.currency,
      });
      this.record('authorization', request.orderId, authorizationId, request.amountMinor);
      return this.result(authorizationId, 'authorized', request.amountMinor, request.currency);
    });
  }

  async capture(request: CaptureRequest): Promise<PaymentOperationResult> {
    return this.change('capture', request, ['authorized'], (auth) => {
      auth.status = 'captured';
      auth.capturedMinor = request.amountMinor;
      return request.amountMinor;
    });
  }

  async void(request: VoidRequest): Promise<PaymentOperationResult> {
    return this.change('void', request, ['authorized'], (auth) => {
      auth.status = 'voided';
      return auth.amountMinor;
    });
  }

  async refund(request: RefundRequest): Promise<PaymentOperationResult> {
    return this.change('refund', request, ['captured'], (auth) => {
      if (request.amountMinor > auth.capturedMinor - auth.refundedMinor)
        return new FakeProviderConflictError('refund larger than what remains captured');
      auth.refundedMinor += request.amountMinor;
      if (auth.refundedMinor === auth.capturedMinor) auth.status = 'refunded';
      return request.amountMinor;
    });
  }

  async findAuthorization(request: { idempotencyKey: string }): Promise<AuthorizationState | undefined> {
    this.read(`find ${request.idempotencyKey}`);
    const answer = this.answers.get(`authorize ${request.idempotencyKey}`);
    if (!answer || answer instanceof Error) return undefined;
    return this.view(answer.authorizationId);
  }

  async listAuthorizations(request: { orderId: string }): Promise<AuthorizationState[]> {
    this.read(`list ${request.orderId}`);
    return [...this.authorizations.values()]
      .filter((auth) => auth.orderId === request.orderId)
      .map((auth) => this.view(auth.authorizationId))
      .filter((auth): auth is AuthorizationState => auth !== undefined);
  }

  async listLedger(request: { startingAfter?: string; limit: number }): Promise<LedgerPage> {
    this.read(`ledger ${request.startingAfter ?? ''}`);
    const start =
      request.startingAfter === undefined
        ? 0
        : this.ledger.findIndex((entry) => entry.id === request.startingAfter) + 1;
    const entries = this.ledger.slice(start, start + request.limit).map((entry) => ({ ...entry }));
    return { entries, hasMore: start + request.limit < this.ledger.length };
  }

  /** The authorization's current state, as the provider would report it. */
  state(authorizationId: string): AuthorizationState | undefined {
    return this.view(authorizationId);
  }

  /** Stores an authorization as if earlier calls had made it, without recording a call. */
  hold(authorization: AuthorizationState & { orderId: string }): void {
    this.authorizations.set(authorization.authorizationId, { ...authorization });
  }

  /** Every authorization of an order, without recording a call. */
  of(orderId: string): AuthorizationState[] {
    return [...this.authorizations.values()]
      .filter((auth) => auth.orderId === orderId)
      .map((auth) => ({ ...auth }));
  }

  private change(
    operation: Exclude<Operation, 'authorize'>,
    request: { idempotencyKey: string; authorizationId: string },
    allowed: ReadonlyArray<AuthorizationState['status']>,
    apply: (auth: Authorization) => number | Error,
  ): Promise<PaymentOperationResult> {
    return this.write(operation, request.idempotencyKey, request.authorizationId, () => {
      const auth = this.authorizations.get(request.authorizationId);
      if (!auth) return new FakeProviderConflictError(`no authorization ${request.authorizationId}`);
      if (!allowed.includes(auth.status))
        return new FakeProviderConflictError(`cannot ${operation} a ${auth.status} authorization`);
      const amount = apply(auth);
      if (amount instanceof Error) return amount;
      const type = operation === 'capture' ? 'capture' : operation;
      this.record(type, auth.orderId, auth.authorizationId, amount);
      return this.result(auth.authorizationId, auth.status, amount, auth.currency);
    });
  }

  /** Runs a write once per key (later calls get the first answer), with the configured faults. */
  private async write(
    operation: Operation,
    key: string,
    scope: string,
    apply: () => PaymentOperationResult | Error,
  ): Promise<PaymentOperationResult> {
    this.calls.push(`${operation} ${key}`);
    if (this.down) throw new TransientError(`${operation}: provider unavailable`);
    const id = `${operation} ${key}${scope ? ` ${scope}` : ''}`;
    const stored = this.answers.get(operation === 'authorize' ? `authorize ${key}` : id);
    const answer = stored ?? apply();
    if (!stored) this.answers.set(operation === 'authorize' ? `authorize ${key}` : id, answer);
    await loseAnswerIfDue(this, operation, `${operation}: the answer was lost`);
    if (answer instanceof Error) throw answer;
    return { ...answer };
  }

  private read(call: string): void {
    this.calls.push(call);
    if (this.down) throw new TransientError('provider unavailable');
  }

  private record(
    type: LedgerEntry['type'],
    orderId: string,
    authorizationId: string | null,
    amountMinor: number,
  ): void {
    this.ledger.push({
      id: `le_${this.ledger.length + 1}`,
      type,
      orderId,
      authorizationId,
      amountMinor,
      createdAt: this.clock.now(),
    });
  }

  private result(
    authorizationId: string,
    status: PaymentOperationResult['status'],
    amountMinor: number,
    currency: string,
  ): PaymentOperationResult {
    return { authorizationId, operationId: `op_${++this.issued}`, status, amountMinor, currency };
  }

  private view(authorizationId: string): AuthorizationState | undefined {
    const auth = this.authorizations.get(authorizationId);
    if (!auth) return undefined;
    const { orderId: _orderId, ...state } = auth;
    return state;
  }
}
