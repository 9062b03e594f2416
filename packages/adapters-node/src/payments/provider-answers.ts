import { PaymentDeclinedError, type PaymentOperationResult, TransientError } from '@meridian/domain';
import * as z from 'zod';
import { PaymentProviderRequestError } from './payment-provider-request-error';

// The provider's answers as they travel: the shapes accepted, and what each answer becomes (a result, a
// decline, a transient failure, or a refused request).

const operationFields = {
  id: z.string().min(1),
  status: z.enum(['authorized', 'captured', 'voided', 'refunded']),
  amount: z.number().int(),
  currency: z.string(),
};

const operationSchema = z.discriminatedUnion('object', [
  z.object({ ...operationFields, object: z.literal('authorization') }),
  z.object({
    ...operationFields,
    object: z.enum(['capture', 'void', 'refund']),
    authorization_id: z.string().min(1),
  }),
]);

export const authorizationListSchema = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      object: z.literal('authorization'),
      id: z.string().min(1),
      status: z.enum(['authorized', 'captured', 'voided', 'refunded']),
      amount: z.number().int(),
      amount_captured: z.number().int(),
      amount_refunded: z.number().int(),
      currency: z.string(),
    }),
  ),
});

export const ledgerListSchema = z.object({
  object: z.literal('list'),
  has_more: z.boolean(),
  data: z.array(
    z.object({
      id: z.string().min(1),
      type: z.enum(['authorization', 'capture', 'void', 'refund', 'decline']),
      amount: z.number().int(),
      order_id: z.string(),
      authorization_id: z.string().nullable(),
      created: z.number(),
    }),
  ),
});

export const errorSchema = z.object({
  error: z.object({
    type: z.string().optional(),
    code: z.string().optional(),
    decline_code: z.string().optional(),
    message: z.string().optional(),
  }),
});

export type ProviderError = z.infer<typeof errorSchema>['error'];

// A proxy's HTML error page must still map by status, so an unreadable body is not fatal.
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function toResult(status: number, payload: unknown): PaymentOperationResult {
  const parsed = operationSchema.safeParse(payload);
  if (!parsed.success) {
    throw new PaymentProviderRequestError(
      status,
      'invalid_response',
      'Payment provider answered with an unexpected body',
    );
  }
  const operation = parsed.data;
  return {
    authorizationId: operation.object === 'authorization' ? operation.id : operation.authorization_id,
    operationId: operation.id,
    status: operation.status,
    amountMinor: operation.amount,
    currency: operation.currency,
  };
}

export function toError(status: number, error: ProviderError): Error {
  const detail = error.message ?? `HTTP ${status}`;
  if (status === 402) {
    const declineCode = error.decline_code ?? error.code ?? 'card_declined';
    return new PaymentDeclinedError(declineCode, declineMessage(declineCode));
  }
  if (status >= 500 || status === 429) {
    return new TransientError(`Payment provider unavailable (HTTP ${status}): ${detail}`);
  }
  return new PaymentProviderRequestError(status, error.code ?? 'request_rejected', detail);
}

/** Shown to the customer, so it names the reason without provider jargon. */
function declineMessage(declineCode: string): string {
  if (declineCode === 'generic_decline' || declineCode === 'card_declined') return 'Your card was declined.';
  return `Your card was declined (${declineCode.replaceAll('_', ' ')}).`;
}
