import { ADMIN_GROUP, type Principal, type TokenVerifier, UnauthenticatedError } from '@meridian/domain';
import { errors, type JWTVerifyGetKey, jwtVerify } from 'jose';

/** Subjects are ids (Cognito's are UUIDs): 1-128 visible ASCII characters. */
const SUBJECT = /^[\x21-\x7e]{1,128}$/;

/**
 * Verifies bearer JWTs with jose: signature against the issuer's key set, issuer, expiry, and audience.
 * Cognito access tokens name the app client in `client_id` instead of `aud`, so either is accepted.
 * Admins are members of the `admin` group (`cognito:groups`, the same claim the local issuer writes).
 */
export class JwtTokenVerifier implements TokenVerifier {
  /** Tokens already verified, until they expire: a signature check per request is the API's largest CPU cost. */
  private readonly verified = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(
    private readonly options: {
      issuer: string;
      audience: string;
      keySet: JWTVerifyGetKey;
      now?: () => number;
      cacheSize?: number;
      /**
       * Whether a subject names a principal this deployment knows (locally, the demo users). Without it,
       * any subject the issuer signed is accepted, as for Cognito, which signs only its own users.
       */
      knownSubject?: (subject: string) => boolean;
    },
  ) {}

  async verify(token: string): Promise<Principal> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.verified.get(token);
    if (cached && cached.expiresAtMs > now) return cached.principal;
    if (cached) this.verified.delete(token);
    const { principal, expiresAtMs } = await this.verifySignature(token, now);
    if (this.verified.size >= (this.options.cacheSize ?? 10_000)) {
      // Evict the oldest entry (Map keeps insertion order).
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    if (expiresAtMs > now) this.verified.set(token, { principal, expiresAtMs });
    return principal;
  }

  private async verifySignature(
    token: string,
    now: number,
  ): Promise<{ principal: Principal; expiresAtMs: number }> {
    try {
      const { payload } = await jwtVerify(token, this.options.keySet, {
        issuer: this.options.issuer,
        algorithms: ['RS256', 'ES256'],
        clockTolerance: 5,
        currentDate: new Date(now),
        // A token without an expiry would be valid forever once leaked: refuse it (Cognito always sets one).
        requiredClaims: ['exp'],
      });
      const audiences = [payload.aud, payload.client_id].flat().filter((value) => typeof value === 'string');
      if (!audiences.includes(this.options.audience))
        throw new UnauthenticatedError('The token is not meant for this API.');
      // A customer id is a string: a number or an object would be stored and compared as something else.
      if (typeof payload.sub !== 'string' || !SUBJECT.test(payload.sub))
        throw new UnauthenticatedError('The token names no valid subject.');
      if (this.options.knownSubject && !this.options.knownSubject(payload.sub))
        throw new UnauthenticatedError('The token names an unknown principal.');
      const claimed = payload['cognito:groups'];
      const groups = Array.isArray(claimed)
        ? claimed.filter((group): group is string => typeof group === 'string')
        : [];
      return {
        principal: { subject: payload.sub, groups, isAdmin: groups.includes(ADMIN_GROUP) },
        expiresAtMs: (payload.exp as number) * 1000,
      };
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof errors.JWTExpired) throw new UnauthenticatedError('The token has expired.');
      if (error instanceof errors.JOSEError) throw new UnauthenticatedError('The token is invalid.');
      throw error;
    }
  }
}
