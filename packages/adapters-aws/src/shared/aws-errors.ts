/**
 * Error names of the AWS SDK v3 that mean "try again later": the request was valid but the service was
 * busy, throttled us, or raced another writer. Matching on `name` keeps this independent of which client
 * threw (lib-dynamodb rethrows the low-level client's errors unchanged).
 */
const TRANSIENT_ERROR_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'TransactionInProgressException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
]);

export function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

export function isTransientAwsError(error: unknown): boolean {
  const name = errorName(error);
  return name !== undefined && TRANSIENT_ERROR_NAMES.has(name);
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
