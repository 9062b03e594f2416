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

/**
 * Node.js network error codes: the service could not be reached, or the connection broke. The SDK retries
 * them itself and, once its attempts are spent, throws the plain Node.js error (name `Error`), which is
 * as temporary as a throttle: a VPC endpoint or NAT blip, a DNS hiccup.
 */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

export function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

export function isTransientAwsError(error: unknown): boolean {
  const name = errorName(error);
  if (name !== undefined && TRANSIENT_ERROR_NAMES.has(name)) return true;
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && NETWORK_ERROR_CODES.has(code);
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
