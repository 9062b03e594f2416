import { MeridianError } from '../shared/errors';

/** Who is calling, as established from a verified bearer token. */
export interface Principal {
  /** The customer id (the token's `sub`). */
  subject: string;
  groups: string[];
  isAdmin: boolean;
}

/** Port: verifies a bearer token (a Cognito user pool on AWS, the local issuer locally). */
export interface TokenVerifier {
  /** Throws UnauthenticatedError for a missing, malformed, expired or untrusted token. */
  verify(token: string): Promise<Principal>;
}

export const ADMIN_GROUP = 'admin';

export class UnauthenticatedError extends MeridianError {
  constructor(message = 'A valid bearer token is required.') {
    super('unauthenticated', message);
  }
}

export class ForbiddenError extends MeridianError {
  constructor(message = 'This operation needs the admin role.') {
    super('forbidden', message);
  }
}
