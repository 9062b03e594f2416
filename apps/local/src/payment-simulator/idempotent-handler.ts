import { createHash } from 'node:crypto';
import type { GroupCommit } from '@meridian/adapters-local/sqlite';
import { canonicalJson } from '@meridian/contracts';
import type { Context } from 'hono';
import type { z } from 'zod';
import { apiError, errorResponse, jsonResponse, type SimulatorOutcome, validationError } from './api-error';
import type { IdempotencyStore } from './idempotency-store';
import type { ExecutionContext, SimulatorClock } from './payment-operations';

const MAX_KEY_LENGTH = 255;

export interface IdempotentHandlerDeps {
  /** Requests arriving together commit together; each still checks, executes and stores atomically. */
  commits: GroupCommit;
  idempotency: IdempotencyStore;
  clock: SimulatorClock;
}

/**
 * Runs a mutating request under Stripe's idempotency rules: key required, body validated first (a
 * rejected body stores nothing), then check-execute-store atomically (one savepoint of a group
 * commit) so a repeat can never execute twice; the answer is sent only after the commit.
 */
export async function handleIdempotently<S extends z.ZodType>(
  c: Context,
  deps: IdempotentHandlerDeps,
  scope: string,
  schema: S,
  execute: (body: z.output<S>, context: ExecutionContext) => SimulatorOutcome,
): Promise<Response> {
  const key = c.req.header('Idempotency-Key');
  if (!key) {
    const message = 'This endpoint requires an Idempotency-Key header.';
    return errorResponse(400, apiError('invalid_request_error', 'idempotency_key_missing', message));
  }
  if (key.length > MAX_KEY_LENGTH) {
    const message = `Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters.`;
    return errorResponse(400, apiError('invalid_request_error', 'idempotency_key_invalid', message));
  }
  const raw = await readJson(c);
  if (!raw.ok) {
    return errorResponse(
      400,
      apiError('invalid_request_error', 'body_invalid', 'Body must be a JSON object.'),
    );
  }
  const parsed = schema.safeParse(raw.value);
  if (!parsed.success) return errorResponse(400, validationError(parsed.error));

  const requestHash = createHash('sha256').update(canonicalJson(raw.value)).digest('hex');
  return deps.commits.run((): Response => {
    const stored = deps.idempotency.find(scope, key);
    if (stored && stored.requestHash !== requestHash) {
      const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`;
      return errorResponse(400, apiError('idempotency_error', 'idempotency_key_in_use', message));
    }
    if (stored) return jsonResponse(stored.status, stored.body, { 'Idempotent-Replayed': 'true' });

    const attempt = deps.idempotency.recordAttempt(scope, key);
    const outcome = execute(parsed.data, { idempotencyKey: key, attempt });
    const body = JSON.stringify(outcome.body);
    if (outcome.replayable) {
      deps.idempotency.save(scope, key, { requestHash, status: outcome.status, body }, deps.clock.now());
    }
    return jsonResponse(outcome.status, body);
  });
}

async function readJson(c: Context): Promise<{ ok: true; value: unknown } | { ok: false }> {
  const text = await c.req.text();
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    const value: unknown = JSON.parse(text);
    const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
    return isObject ? { ok: true, value } : { ok: false };
  } catch {
    return { ok: false };
  }
}
