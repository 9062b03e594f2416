/** Base of every error the domain raises on purpose; `code` is stable and appears in problem+json. */
export class MeridianError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A failure worth retrying (provider 5xx, timeout, write conflict). The name is fixed because the saga's
 * Retry rules match on it (`ErrorEquals: ["TransientError"]`).
 */
export class TransientError extends MeridianError {
  constructor(message: string) {
    super('transient', message);
    this.name = 'TransientError';
  }
}
