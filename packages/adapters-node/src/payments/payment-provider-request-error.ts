/** The provider rejected the request itself (4xx other than a decline): retrying cannot help. */
export class PaymentProviderRequestError extends Error {
  constructor(
    /** HTTP status the provider answered with (0 when the answer could not be read). */
    readonly status: number,
    /** The provider's error code, e.g. resource_missing or authorization_unexpected_state. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentProviderRequestError';
  }
}
