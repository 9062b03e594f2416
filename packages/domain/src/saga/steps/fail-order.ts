import {
  advance,
  COMPENSATION_STEPS,
  type CompensationStep,
  isTerminal,
  type Order,
} from '../../orders/order';
import { orderEvent } from '../../orders/order-events';
import { openSettlement, settlementWrite } from '../../settlement/settlement';
import { nowIso, withConflictRetry } from '../../shared/context';
import type { ItemWrite } from '../../store/item-store';
import { orderWrite } from '../../store/repositories';
import { loadSagaOrder, type SagaDependencies, type SagaStepOutput } from '../saga-step';

/** The state machine's error object after a Catch: `{ Error: <error name>, Cause: <message or JSON> }`. */
export interface SagaError {
  Error?: string;
  Cause?: string;
}

export interface FailOrderInput {
  orderId: string;
  input?: { error?: SagaError; compensationErrors?: Record<string, SagaError> };
}

/** Errors whose message was written for customers; anything else is reported generically. */
const CUSTOMER_READABLE_ERRORS = new Set([
  'OutOfStockError',
  'PaymentDeclinedError',
  'ShipmentRejectedError',
  'InvalidOrderError',
]);

const TECHNICAL_FAILURE =
  'We could not complete your order because of a technical problem. Any payment authorization has been released.';
/**
 * When a compensation could not finish, the reason says only why the order failed: where the money
 * stands is the order's settlement (pending, then settled), which changes while the reason does not.
 */
const TECHNICAL_FAILURE_TO_FINISH = 'We could not complete your order because of a technical problem.';

/** Lambda reports the cause as JSON ({errorMessage, errorType}); the local runner as the plain message. */
function causeMessage(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed) return String(parsed.errorMessage);
  } catch {
    // Not JSON: the plain message.
  }
  return cause;
}

export function customerReadableReason(error: SagaError | undefined, compensationsFailed = false): string {
  const message = causeMessage(error?.Cause);
  if (error?.Error && CUSTOMER_READABLE_ERRORS.has(error.Error) && message) return message;
  return compensationsFailed ? TECHNICAL_FAILURE_TO_FINISH : TECHNICAL_FAILURE;
}

/** The compensations that failed for good, as `<step>: <error> (<message>)`. */
export function compensationFailures(errors: Record<string, SagaError> | undefined): string[] {
  return failedEntries(errors).map(([step, error]) => {
    const message = causeMessage(error.Cause);
    return `${step}: ${error.Error ?? 'Error'}${message ? ` (${message})` : ''}`;
  });
}

/** The compensations that failed for good, which the closed order owes until settlement runs them. */
export function owedCompensations(errors: Record<string, SagaError> | undefined): CompensationStep[] {
  const failed = new Set(failedEntries(errors).map(([step]) => step));
  return COMPENSATION_STEPS.filter((step) => failed.has(step));
}

function failedEntries(errors: Record<string, SagaError> | undefined): Array<[string, SagaError]> {
  return Object.entries(errors ?? {}).filter(
    ([, error]) => error?.Error !== undefined || error?.Cause !== undefined,
  );
}

/**
 * Closes the order after compensation: CANCELLED when the customer asked for it, otherwise FAILED with a
 * reason the customer can read. Compensations that failed for good (the state machine caught their errors
 * after its retries and went on) are owed: the order closes with its settlement PENDING, and the region's
 * settlement sweep retries them until they succeed; the customer is never told they are done before. A
 * closed order is left as it is, except that a later run's failed compensations are owed too.
 */
export async function failOrder(deps: SagaDependencies, input: FailOrderInput): Promise<SagaStepOutput> {
  const { ctx } = deps;
  return withConflictRetry(async () => {
    const { value: order, version } = await loadSagaOrder(ctx, input.orderId);
    const now = nowIso(ctx);
    const failures = compensationFailures(input.input?.compensationErrors);
    const owed = owedCompensations(input.input?.compensationErrors);
    const reported = failures.length > 0 ? { compensationFailures: failures, owed } : {};
    const closed = order.status === 'FAILED' || order.status === 'CANCELLED';
    if (closed || (isTerminal(order) && !order.cancelRequested)) {
      if (!closed || owed.length === 0 || order.settlement?.status === 'PENDING') {
        return { orderId: order.orderId, outcome: 'already-applied', status: order.status };
      }
      const { settlement, record } = openSettlement(order, owed, now);
      const next: Order = { ...order, settlement, updatedAt: now };
      await ctx.store.transact([orderWrite(next, version), settlementWrite(record)]);
      return { orderId: order.orderId, outcome: 'applied', status: order.status, ...reported };
    }
    const opened = owed.length > 0 ? openSettlement(order, owed, now) : undefined;
    const settlementWrites: ItemWrite[] = opened ? [settlementWrite(opened.record)] : [];
    const settlement = opened ? { settlement: opened.settlement } : {};
    if (order.cancelRequested) {
      const next = advance(order, 'CANCELLED', { status: 'CANCELLED', ...settlement }, now);
      await ctx.store.transact(
        [orderWrite(next, version), ...settlementWrites],
        [
          orderEvent(ctx, 'OrderCancelled', next, {
            refundedMinor: next.payment?.refundedMinor ?? 0,
            ...reported,
            ...(order.duplicateOf === undefined ? {} : { duplicateOf: order.duplicateOf }),
          }),
        ],
      );
      return { orderId: order.orderId, outcome: 'applied', status: 'CANCELLED', ...reported };
    }
    const reason = customerReadableReason(input.input?.error, failures.length > 0);
    const next = advance(
      order,
      'FAILED',
      { status: 'FAILED', failureReason: reason, ...settlement },
      now,
      reason,
    );
    await ctx.store.transact(
      [orderWrite(next, version), ...settlementWrites],
      [orderEvent(ctx, 'OrderFailed', next, { reason, ...reported })],
    );
    return { orderId: order.orderId, outcome: 'applied', status: 'FAILED', reason, ...reported };
  });
}
