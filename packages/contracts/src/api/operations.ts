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
