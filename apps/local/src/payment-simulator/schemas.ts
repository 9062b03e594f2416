import * as z from 'zod';
import { TEST_PAYMENT_METHODS } from './test-cards';

const amount = z.number().int().positive().max(99_999_999);

export const authorizeBodySchema = z.strictObject({
  amount,
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'currency must be a three-letter ISO 4217 code'),
  payment_method: z.enum(TEST_PAYMENT_METHODS, {
    error: (issue) => `No such PaymentMethod: '${String(issue.input)}'`,
  }),
  order_id: z.string().min(1).max(200),
});

export const amountBodySchema = z.strictObject({ amount });

export const emptyBodySchema = z.strictObject({});

export const chaosUpdateSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(60_000).optional(),
  errorRate: z.number().min(0).max(1).optional(),
});

/** Exactly one of: the key a POST /v1/authorizations was made with, or the order the authorizations are for. */
export const authorizationQuerySchema = z.union([
  z.strictObject({ idempotency_key: z.string().min(1).max(255) }),
  z.strictObject({ order_id: z.string().min(1).max(200) }),
]);

export const ledgerQuerySchema = z.object({
  order_id: z.string().min(1).optional(),
  type: z.enum(['authorization', 'capture', 'void', 'refund', 'decline']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z.string().min(1).optional(),
});

export type AuthorizeBody = z.infer<typeof authorizeBodySchema>;
export type AmountBody = z.infer<typeof amountBodySchema>;
export type LedgerQuery = z.infer<typeof ledgerQuerySchema>;
