import { ADMIN_GROUP, type Principal, type TokenVerifier, UnauthenticatedError } from '@meridian/domain';
import { errors, type JWTVerifyGetKey, jwtVerify } from 'jose';

/**
 * Verifies bearer JWTs with jose: signature against the issuer's key set, issuer, expiry, and audience.
 * Cognito access tokens name the app client in `client_id` instead of `aud`, so either is accepted.
 * Admins are members of the `admin` group (`cognito:groups`, the same claim the local issuer writes).
 */
export class JwtTokenVerifier implements TokenVerifier {
  constructor(private readonly options: { issuer: string; audience: string; keySet: JWTVerifyGetKey }) {}

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.options.keySet, {
        issuer: this.options.issuer,
        algorithms: ['RS256', 'ES256'],
        clockTolerance: 5,
      });
      const audiences = [payload.aud, payload.client_id].flat().filter((value) => typeof value === 'string');
      if (!audiences.includes(this.options.audience))
        throw new UnauthenticatedError('The token is not meant for this API.');
      if (!payload.sub) throw new UnauthenticatedError('The token names no subject.');
      const claimed = payload['cognito:groups'];
      const groups = Array.isArray(claimed)
        ? claimed.filter((group): group is string => typeof group === 'string')
        : [];
      return { subject: payload.sub, groups, isAdmin: groups.includes(ADMIN_GROUP) };
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      if (error instanceof errors.JWTExpired) throw new UnauthenticatedError('The token has expired.');
      if (error instanceof errors.JOSEError) throw new UnauthenticatedError('The token is invalid.');
      throw error;
    }
  }
}
