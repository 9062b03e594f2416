/**
 * Port to a card payment provider (Stripe-like). Every call carries an idempotency key: the provider
 * returns the first result again for a repeated key, so a retried call never charges twice.
 *
 * Errors: a declined card throws PaymentDeclinedError; a provider outage, 5xx or timeout throws
 * TransientError (the saga retries it with backoff).
 */
export interface PaymentProvider {
  authorize(request: AuthorizeRequest): Promise<PaymentOperationResult>;
  capture(request: CaptureRequest): Promise<PaymentOperationResult>;
  void(request: VoidRequest): Promise<PaymentOperationResult>;
  refund(request: RefundRequest): Promise<PaymentOperationResult>;
  /**
   * Read-only: the authorization an `authorize` call with this idempotency key created, in its current
   * state, or undefined when the provider holds none for the key (never called, declined, or failed before
   * any effect). Compensations ask it when an answer may have been lost (a timeout, a crash before the
   * order was written, a cancel before the retry), so an effect the order never recorded is still undone.
   */
  findAuthorization(request: FindAuthorizationRequest): Promise<AuthorizationState | undefined>;
  /**
   * Read-only: every authorization the provider holds for an order (by the order id sent with
   * `authorize`, as Stripe's search by metadata does), in its current state. The reconciler compares them
   * with the order.
   */
  listAuthorizations(request: { orderId: string }): Promise<AuthorizationState[]>;
  /**
   * Read-only: the provider's ledger of effective operations, in the order they happened, `limit` at a
   * time after the entry `startingAfter` (from the start when absent). The reconciler reads it to learn
   * which orders the provider holds money for.
   */
  listLedger(request: { startingAfter?: string; limit: number }): Promise<LedgerPage>;
}

export interface LedgerPage {
  entries: LedgerEntry[];
  hasMore: boolean;
}

/** One effective operation at the provider (a decline holds no money but is listed too). */
export interface LedgerEntry {
  id: string;
  type: 'authorization' | 'capture' | 'void' | 'refund' | 'decline';
  orderId: string;
  /** Null for a decline: no authorization was created. */
  authorizationId: string | null;
  amountMinor: number;
  /** When the provider applied it, in milliseconds since the epoch (the provider's clock). */
  createdAt: number;
}

export interface FindAuthorizationRequest {
  /** The idempotency key the authorization was (or would have been) created with. */
  idempotencyKey: string;
}

/** An authorization as the provider sees it now. */
export interface AuthorizationState {
  authorizationId: string;
  /** `captured` also while a partial refund leaves part of the capture unrefunded. */
  status: 'authorized' | 'captured' | 'voided' | 'refunded';
  /** The authorized amount. */
  amountMinor: number;
  capturedMinor: number;
  refundedMinor: number;
  currency: string;
}

export interface AuthorizeRequest {
  idempotencyKey: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  paymentMethod: string;
}

export interface CaptureRequest {
  idempotencyKey: string;
  authorizationId: string;
  amountMinor: number;
}

export interface VoidRequest {
  idempotencyKey: string;
  authorizationId: string;
}

export interface RefundRequest {
  idempotencyKey: string;
  authorizationId: string;
  amountMinor: number;
}

export interface PaymentOperationResult {
  /** The provider's id of the authorization this operation belongs to. */
  authorizationId: string;
  /** The provider's id of this operation (authorization, capture, void or refund). */
  operationId: string;
  status: 'authorized' | 'captured' | 'voided' | 'refunded';
  amountMinor: number;
  currency: string;
}
