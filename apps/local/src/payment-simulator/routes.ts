import type { GroupCommit } from '@meridian/adapters-local/sqlite';
import { Hono } from 'hono';
import { apiError, errorResponse, jsonResponse, validationError } from './api-error';
import type { IdempotencyStore } from './idempotency-store';
import { handleIdempotently } from './idempotent-handler';
import type { AuthorizationRecord, LedgerEntry, LedgerStore } from './ledger-store';
import type { PaymentOperations, SimulatorClock } from './payment-operations';
import {
  amountBodySchema,
  authorizationQuerySchema,
  authorizeBodySchema,
  emptyBodySchema,
  ledgerQuerySchema,
} from './schemas';

const AUTHORIZE_SCOPE = 'POST /v1/authorizations';

export interface PaymentRoutesDeps {
  commits: GroupCommit;
  ledger: LedgerStore;
  idempotency: IdempotencyStore;
  operations: PaymentOperations;
  clock: SimulatorClock;
}

/** The provider's public API: authorizations, their follow-up operations and the ledger. */
export function paymentRoutes(deps: PaymentRoutesDeps): Hono {
  const { operations } = deps;
  const routes = new Hono();

  routes.post('/v1/authorizations', (c) =>
    handleIdempotently(c, deps, AUTHORIZE_SCOPE, authorizeBodySchema, (body, context) =>
      operations.authorize(body, context),
    ),
  );
  routes.post('/v1/authorizations/:id/capture', (c) => {
    const id = c.req.param('id');
    return handleIdempotently(
      c,
      deps,
      `POST /v1/authorizations/${id}/capture`,
      amountBodySchema,
      (body, context) => operations.capture(id, body, context),
    );
  });
  routes.post('/v1/authorizations/:id/void', (c) => {
    const id = c.req.param('id');
    return handleIdempotently(
      c,
      deps,
      `POST /v1/authorizations/${id}/void`,
      emptyBodySchema,
      (_body, context) => operations.void(id, context),
    );
  });
  routes.post('/v1/authorizations/:id/refund', (c) => {
    const id = c.req.param('id');
    return handleIdempotently(
      c,
      deps,
      `POST /v1/authorizations/${id}/refund`,
      amountBodySchema,
      (body, context) => operations.refund(id, body, context),
    );
  });

  // By idempotency_key: the authorization a POST with this key created, as it is now (how a client whose
  // answer was lost finds out whether it exists and what became of it). By order_id: every authorization
  // of an order (how a reconciler compares the provider's money with the order).
  routes.get('/v1/authorizations', (c) => {
    const query = authorizationQuerySchema.safeParse(c.req.query());
    if (!query.success) return errorResponse(400, validationError(query.error));
    const data =
      'order_id' in query.data
        ? deps.ledger.authorizationsForOrder(query.data.order_id).map(authorizationJson)
        : [authorizationCreatedBy(deps, query.data.idempotency_key)].filter((found) => found !== undefined);
    const list = { object: 'list', url: '/v1/authorizations', has_more: false, data };
    return jsonResponse(200, JSON.stringify(list));
  });

  routes.get('/v1/ledger', (c) => {
    const query = ledgerQuerySchema.safeParse(c.req.query());
    if (!query.success) return errorResponse(400, validationError(query.error));
    const page = deps.ledger.listEntries({
      orderId: query.data.order_id,
      type: query.data.type,
      limit: query.data.limit,
      startingAfter: query.data.starting_after,
    });
    if (!page) {
      const message = `No such ledger entry: '${query.data.starting_after}'`;
      const body = apiError('invalid_request_error', 'resource_missing', message, {
        param: 'starting_after',
      });
      return errorResponse(400, body);
    }
    const list = {
      object: 'list',
      url: '/v1/ledger',
      has_more: page.hasMore,
      data: page.entries.map(toJson),
    };
    return jsonResponse(200, JSON.stringify(list));
  });

  return routes;
}

/** Read through the stored first answer for the key: only an answer that created an authorization names one. */
function authorizationCreatedBy(deps: PaymentRoutesDeps, idempotencyKey: string) {
  const stored = deps.idempotency.find(AUTHORIZE_SCOPE, idempotencyKey);
  if (stored?.status !== 201) return undefined;
  const { id } = JSON.parse(stored.body) as { id: string };
  const authorization = deps.ledger.findAuthorization(id);
  return authorization && authorizationJson(authorization);
}

function authorizationJson(authorization: AuthorizationRecord) {
  return {
    id: authorization.id,
    object: 'authorization',
    status: authorization.status,
    amount: authorization.amount,
    amount_captured: authorization.capturedAmount,
    amount_refunded: authorization.refundedAmount,
    currency: authorization.currency,
    order_id: authorization.orderId,
    payment_method: authorization.paymentMethod,
    created: authorization.created,
  };
}

function toJson(entry: LedgerEntry) {
  return {
    id: entry.id,
    object: 'ledger_entry',
    type: entry.type,
    amount: entry.amount,
    currency: entry.currency,
    order_id: entry.orderId,
    authorization_id: entry.authorizationId,
    idempotency_key: entry.idempotencyKey,
    decline_code: entry.declineCode,
    created: entry.created,
  };
}
