import { apiError, type SimulatorOutcome } from './api-error';
import type { AuthorizationRecord, AuthorizationStatus, LedgerStore } from './ledger-store';
import type { AmountBody, AuthorizeBody } from './schemas';
import { TEST_CARDS } from './test-cards';

export interface SimulatorClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export interface SimulatorIdGenerator {
  next(): string;
}

/** What the idempotency layer tells an operation about the request being executed. */
export interface ExecutionContext {
  idempotencyKey: string;
  /** 1 for the first execution of this key, 2 for the next, … (replays are not executions). */
  attempt: number;
}

type OperationObject = 'capture' | 'void' | 'refund';

/** The provider's state machine: authorize, then capture or void, then refund what was captured. */
export class PaymentOperations {
  constructor(
    private readonly ledger: LedgerStore,
    private readonly clock: SimulatorClock,
    private readonly ids: SimulatorIdGenerator,
  ) {}

  authorize(body: AuthorizeBody, context: ExecutionContext): SimulatorOutcome {
    const card = TEST_CARDS[body.payment_method];
    if (card.kind === 'transient' && context.attempt <= card.failingAttempts) {
      const message = `Simulated provider failure (attempt ${context.attempt}); retry with the same Idempotency-Key.`;
      return { status: 503, body: apiError('api_error', 'processing_error', message), replayable: false };
    }
    const created = this.clock.now();
    const entry = {
      amount: body.amount,
      currency: body.currency,
      orderId: body.order_id,
      idempotencyKey: context.idempotencyKey,
      created,
    };
    if (card.kind === 'decline') {
      const id = `decl_${this.ids.next()}`;
      this.ledger.appendEntry({
        ...entry,
        id,
        type: 'decline',
        authorizationId: null,
        declineCode: card.declineCode,
      });
      const body = apiError('card_error', card.code, card.message, { decline_code: card.declineCode });
      return { status: 402, body, replayable: true };
    }
    const id = `auth_${this.ids.next()}`;
    this.ledger.insertAuthorization({
      id,
      orderId: body.order_id,
      amount: body.amount,
      currency: body.currency,
      paymentMethod: body.payment_method,
      status: 'authorized',
      capturedAmount: 0,
      refundedAmount: 0,
      created,
    });
    this.ledger.appendEntry({ ...entry, id, type: 'authorization', authorizationId: id, declineCode: null });
    const result = {
      id,
      object: 'authorization',
      status: 'authorized',
      amount: body.amount,
      currency: body.currency,
      order_id: body.order_id,
      payment_method: body.payment_method,
      created,
    };
    return { status: 201, body: result, replayable: true };
  }

  capture(authorizationId: string, body: AmountBody, context: ExecutionContext): SimulatorOutcome {
    const authorization = this.ledger.findAuthorization(authorizationId);
    if (!authorization) return missing(authorizationId);
    if (authorization.status !== 'authorized') return unexpectedState('capture', authorization);
    if (body.amount > authorization.amount) {
      return tooLarge(`Cannot capture ${body.amount}: only ${authorization.amount} is authorized.`);
    }
    this.ledger.updateAuthorization(authorization.id, {
      status: 'captured',
      capturedAmount: body.amount,
      refundedAmount: 0,
    });
    return this.record('capture', 'captured', authorization, body.amount, context);
  }

  void(authorizationId: string, context: ExecutionContext): SimulatorOutcome {
    const authorization = this.ledger.findAuthorization(authorizationId);
    if (!authorization) return missing(authorizationId);
    if (authorization.status !== 'authorized') return unexpectedState('void', authorization);
    this.ledger.updateAuthorization(authorization.id, {
      status: 'voided',
      capturedAmount: 0,
      refundedAmount: 0,
    });
    return this.record('void', 'voided', authorization, authorization.amount, context);
  }

  refund(authorizationId: string, body: AmountBody, context: ExecutionContext): SimulatorOutcome {
    const authorization = this.ledger.findAuthorization(authorizationId);
    if (!authorization) return missing(authorizationId);
    if (authorization.status !== 'captured') return unexpectedState('refund', authorization);
    const refundable = authorization.capturedAmount - authorization.refundedAmount;
    if (body.amount > refundable) {
      return tooLarge(`Cannot refund ${body.amount}: only ${refundable} of the capture remains refundable.`);
    }
    const refundedAmount = authorization.refundedAmount + body.amount;
    this.ledger.updateAuthorization(authorization.id, {
      // Partial refunds keep the authorization refundable until the whole capture is returned.
      status: refundedAmount === authorization.capturedAmount ? 'refunded' : 'captured',
      capturedAmount: authorization.capturedAmount,
      refundedAmount,
    });
    return this.record('refund', 'refunded', authorization, body.amount, context);
  }

  private record(
    object: OperationObject,
    status: AuthorizationStatus,
    authorization: AuthorizationRecord,
    amount: number,
    context: ExecutionContext,
  ): SimulatorOutcome {
    const prefix = { capture: 'cap', void: 'void', refund: 'ref' }[object];
    const id = `${prefix}_${this.ids.next()}`;
    const created = this.clock.now();
    this.ledger.appendEntry({
      id,
      type: object,
      amount,
      currency: authorization.currency,
      orderId: authorization.orderId,
      authorizationId: authorization.id,
      idempotencyKey: context.idempotencyKey,
      declineCode: null,
      created,
    });
    const result = {
      id,
      object,
      status,
      authorization_id: authorization.id,
      amount,
      currency: authorization.currency,
      order_id: authorization.orderId,
      created,
    };
    return { status: 200, body: result, replayable: true };
  }
}

function missing(authorizationId: string): SimulatorOutcome {
  const message = `No such authorization: '${authorizationId}'`;
  return {
    status: 404,
    body: apiError('invalid_request_error', 'resource_missing', message),
    replayable: true,
  };
}

function unexpectedState(action: OperationObject, authorization: AuthorizationRecord): SimulatorOutcome {
  const state = authorization.status === 'authorized' ? 'not captured' : authorization.status;
  const message = `Cannot ${action} authorization '${authorization.id}': it is ${state}.`;
  const body = apiError('invalid_request_error', 'authorization_unexpected_state', message);
  return { status: 409, body, replayable: true };
}

function tooLarge(message: string): SimulatorOutcome {
  const body = apiError('invalid_request_error', 'amount_too_large', message, { param: 'amount' });
  return { status: 400, body, replayable: true };
}
