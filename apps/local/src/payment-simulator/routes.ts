import type { GroupCommit } from '@meridian/adapters-local/sqlite';
import { Hono } from 'hono';
import { apiError, errorResponse, jsonResponse, validationError } from './api-error';
import type { IdempotencyStore } from './idempotency-store';
import { handleIdempotently } from './idempotent-handler';
import type { LedgerEntry, LedgerStore } from './ledger-store';
import type { PaymentOperations, SimulatorClock } from './payment-operations';
import { amountBodySchema, authorizeBodySchema, emptyBodySchema, ledgerQuerySchema } from './schemas';

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
    handleIdempotently(c, deps, 'POST /v1/authorizations', authorizeBodySchema, (body, context) =>
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
