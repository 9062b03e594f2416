import * as z from 'zod';

export const healthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    region: z.string(),
    time: z.string(),
    checks: z.record(
      z.string(),
      z.object({ status: z.enum(['ok', 'degraded']), detail: z.string().optional() }),
    ),
  })
  .meta({ id: 'Health' });

export const deadLetterSchema = z
  .object({
    id: z.string(),
    rule: z.string(),
    target: z.string(),
    attempts: z.number().int(),
    error: z.string(),
    failedAt: z.string(),
    event: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'DeadLetter' });

export const executionSchema = z
  .object({
    name: z.string(),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT']),
    input: z.unknown(),
    output: z.unknown().optional(),
    error: z.string().optional(),
    cause: z.string().optional(),
    startedAt: z.string(),
    finishedAt: z.string().optional(),
  })
  .meta({ id: 'Execution' });

export const executionEventSchema = z
  .object({
    type: z.string(),
    state: z.string().optional(),
    at: z.string(),
    error: z.string().optional(),
    cause: z.string().optional(),
  })
  .meta({ id: 'ExecutionEvent' });

const compensationStep = z.enum(['refundPayment', 'cancelShipment', 'voidPayment', 'releaseInventory']);

export const settlementSchema = z
  .object({
    orderId: z.string(),
    region: z.string(),
    status: z.enum(['PENDING', 'SETTLED']),
    owed: z.array(compensationStep),
    since: z.string().meta({ description: 'When the order closed owing these compensations.' }),
    attempts: z.number().int().meta({ description: 'Settlement tries so far (after the saga’s own).' }),
    nextAttemptAt: z.string(),
    lastError: z.string().optional(),
    settledAt: z.string().optional(),
  })
  .meta({ id: 'Settlement' });

const reconcileActionSchema = z.object({
  orderId: z.string(),
  authorizationId: z.string(),
  action: z.enum(['voided', 'refunded']),
  amountMinor: z.number().int(),
});

export const reconciliationReportSchema = z
  .object({
    region: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    ledgerEntriesRead: z.number().int(),
    ordersChecked: z.number().int(),
    fixed: z.array(reconcileActionSchema),
    unresolved: z.array(z.object({ orderId: z.string(), reason: z.string() })),
    waiting: z.number().int(),
    totals: z.object({
      passes: z.number().int(),
      ordersChecked: z.number().int(),
      fixed: z.number().int(),
      unresolved: z.number().int(),
    }),
    recentFixes: z.array(reconcileActionSchema),
  })
  .meta({ id: 'ReconciliationReport' });
