import { advance, isTerminal } from '../../orders/order';
import { orderEvent } from '../../orders/order-events';
import { nowIso, withConflictRetry } from '../../shared/context';
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
/** When a compensation failed, the customer is not told that everything was released. */
const TECHNICAL_FAILURE_TO_FINISH =
  'We could not complete your order because of a technical problem. We are reviewing any payment or shipment it left behind and will refund or cancel it.';

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

/** The compensations that failed for good, as `<step>: <error> (<message>)`, for an operator to finish. */
export function compensationFailures(errors: Record<string, SagaError> | undefined): string[] {
  return Object.entries(errors ?? {})
    .filter(([, error]) => error?.Error !== undefined || error?.Cause !== undefined)
    .map(([step, error]) => {
      const message = causeMessage(error.Cause);
      return `${step}: ${error.Error ?? 'Error'}${message ? ` (${message})` : ''}`;
    });
}

/**
 * Closes the order after compensation: CANCELLED when the customer asked for it, otherwise FAILED with a
 * reason the customer can read. A closed order is left as it is. Compensations that failed for good (the
 * state machine caught their errors and went on) are named in the step's output and in the closing
 * event, and the customer is not told that everything was released.
 */
export async function failOrder(deps: SagaDependencies, input: FailOrderInput): Promise<SagaStepOutput> {
  const { ctx } = deps;
  return withConflictRetry(async () => {
    const { value: order, version } = await loadSagaOrder(ctx, input.orderId);
    const closed = order.status === 'FAILED' || order.status === 'CANCELLED';
    if (closed || (isTerminal(order) && !order.cancelRequested)) {
      return { orderId: order.orderId, outcome: 'already-applied', status: order.status };
    }
    const now = nowIso(ctx);
    const failures = compensationFailures(input.input?.compensationErrors);
    const reported = failures.length > 0 ? { compensationFailures: failures } : {};
    if (order.cancelRequested) {
      const next = advance(order, 'CANCELLED', { status: 'CANCELLED' }, now);
      await ctx.store.transact(
        [orderWrite(next, version)],
        [
          orderEvent(ctx, 'OrderCancelled', next, {
            refundedMinor: next.payment?.refundedMinor ?? 0,
            ...reported,
          }),
        ],
      );
      return { orderId: order.orderId, outcome: 'applied', status: 'CANCELLED', ...reported };
    }
    const reason = customerReadableReason(input.input?.error, failures.length > 0);
    const next = advance(order, 'FAILED', { status: 'FAILED', failureReason: reason }, now, reason);
    await ctx.store.transact(
      [orderWrite(next, version)],
      [orderEvent(ctx, 'OrderFailed', next, { reason, ...reported })],
    );
    return { orderId: order.orderId, outcome: 'applied', status: 'FAILED', reason, ...reported };
  });
}
