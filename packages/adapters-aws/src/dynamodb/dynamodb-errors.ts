import { ConditionFailedError, type ItemKey, TransientError } from '@meridian/domain';
import { describeError, errorName, isTransientAwsError } from '../shared/aws-errors';

/** Cancellation reason codes of TransactWriteItems that a later attempt may not meet. */
const TRANSIENT_CANCELLATION_CODES = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

interface CancellationReason {
  Code?: string;
}

/**
 * Maps a DynamoDB failure to the domain's vocabulary: a failed condition anywhere in the transaction is
 * ConditionFailedError (the caller re-reads and retries), contention and throttling are TransientError
 * (the saga and the API retry them), anything else is a bug or a misconfiguration and passes through.
 * `keys` lists the transaction's items in TransactItems order, to name the one whose condition failed.
 */
export function toStoreError(error: unknown, keys: readonly ItemKey[] = []): unknown {
  if (errorName(error) === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
    const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
    if (failed >= 0) {
      const key = keys[failed];
      return new ConditionFailedError(
        key ? `${key.pk}/${key.sk} is not in the expected state` : 'an item is not in the expected state',
      );
    }
    if (
      reasons.some((reason) => reason.Code !== undefined && TRANSIENT_CANCELLATION_CODES.has(reason.Code))
    ) {
      return new TransientError(`DynamoDB transaction cancelled: ${reasonCodes(reasons)}`);
    }
    return error;
  }
  if (errorName(error) === 'ConditionalCheckFailedException') return new ConditionFailedError();
  if (isTransientAwsError(error)) return new TransientError(`DynamoDB is busy: ${describeError(error)}`);
  return error;
}

function reasonCodes(reasons: readonly CancellationReason[]): string {
  return reasons.map((reason) => reason.Code ?? 'None').join(', ');
}
