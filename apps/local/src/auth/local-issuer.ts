import { existsSync, readFileSync } from 'node:fs';
import { systemClock } from '@meridian/adapters-node';
import { ADMIN_GROUP } from '@meridian/domain';
import {
  createLocalJWKSet,
  errors,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from 'jose';
import { createFileOnce } from './local-secrets';

/** The local stand-in for the Cognito user pool: same claims, same verification path (jose + a JWKS). */
export const LOCAL_ISSUER = 'http://localhost:8080/auth';
export const LOCAL_AUDIENCE = 'meridian-local';
/** One-time sign-in codes are meant for the sign-in endpoint only: never accepted as access tokens. */
const SIGN_IN_AUDIENCE = 'meridian-local-sign-in';
const SIGN_IN_TYPE = 'meridian-sign-in+jwt';
const ALGORITHM = 'ES256';

export interface DemoUser {
  id: string;
  name: string;
  groups: string[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  { id: 'alice', name: 'Alice Rivera', groups: [] },
  { id: 'bob', name: 'Bob Chen', groups: [] },
  { id: 'carol', name: 'Carol Okafor', groups: [] },
  { id: 'admin', name: 'Operations Admin', groups: [ADMIN_GROUP] },
];

/** The demo customers: the only users anyone may get a token for over HTTP. */
export const DEMO_CUSTOMERS: readonly DemoUser[] = DEMO_USERS.filter(
  (user) => !user.groups.includes(ADMIN_GROUP),
);

/** The local principal directory: a token must name one of the demo users. */
export function isKnownPrincipal(subject: string): boolean {
  return DEMO_USERS.some((user) => user.id === subject);
}

export class UnknownDemoUserError extends Error {
  constructor(user: string) {
    super(`Unknown demo user "${user}". Known users: ${DEMO_USERS.map((u) => u.id).join(', ')}.`);
  }
}

export class InvalidSignInCodeError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidSignInCodeError';
  }
}

interface StoredKeys {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export class LocalIssuer {
  private constructor(
    private readonly keys: StoredKeys,
    private readonly privateKey: CryptoKey | Uint8Array,
  ) {}

  /** Loads the signing key from the data directory, creating it on first use (atomically, any process may win). */
  static async open(keyFile: string): Promise<LocalIssuer> {
    if (!existsSync(keyFile)) {
      const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
      const kid = `local-${systemClock.now().toString(36)}`;
      const fresh: StoredKeys = {
        kid,
        privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALGORITHM },
        publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' },
      };
      createFileOnce(keyFile, JSON.stringify(fresh, null, 2));
    }
    const keys = JSON.parse(readFileSync(keyFile, 'utf8')) as StoredKeys;
    return new LocalIssuer(keys, await importJWK(keys.privateJwk, ALGORITHM));
  }

  /** The public keys as a JWKS document (served at /auth/.well-known/jwks.json). */
  jwks(): { keys: JWK[] } {
    return { keys: [this.keys.publicJwk] };
  }

  keySet(): JWTVerifyGetKey {
    return createLocalJWKSet(this.jwks());
  }

  /**
   * Signs an access token for a demo user, shaped like a Cognito access token. The user's groups come
   * from the directory: nobody is made an admin by asking.
   */
  async issue(userId: string, options: { ttlSeconds?: number } = {}): Promise<string> {
    const user = DEMO_USERS.find((candidate) => candidate.id === userId);
    if (!user) throw new UnknownDemoUserError(userId);
    return new SignJWT({
      'cognito:groups': user.groups,
      token_use: 'access',
      client_id: LOCAL_AUDIENCE,
      name: user.name,
    })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.keys.kid, typ: 'JWT' })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(`${options.ttlSeconds ?? 12 * 3600}s`)
      .sign(this.privateKey);
  }

  /**
   * A one-time code that signs the holder in as the admin (what a sign-in link carries). Only a process
   * that can read the data directory's key can make one; the front door accepts each code once.
   */
  async signInCode(id: string, ttlSeconds = 12 * 3600): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, kid: this.keys.kid, typ: SIGN_IN_TYPE })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(SIGN_IN_AUDIENCE)
      .setSubject('admin')
      .setJti(id)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.privateKey);
  }

  /** The code's id and expiry, or InvalidSignInCodeError when it is not a valid, unexpired code of this issuer. */
  async verifySignInCode(code: string): Promise<{ id: string; subject: string; expiresAtMs: number }> {
    try {
      const { payload } = await jwtVerify(code, this.keySet(), {
        issuer: LOCAL_ISSUER,
        audience: SIGN_IN_AUDIENCE,
        typ: SIGN_IN_TYPE,
        algorithms: [ALGORITHM],
        requiredClaims: ['exp', 'jti', 'sub'],
      });
      if (
        typeof payload.jti !== 'string' ||
        typeof payload.sub !== 'string' ||
        !isKnownPrincipal(payload.sub)
      )
        throw new InvalidSignInCodeError('The sign-in link is not valid.');
      return { id: payload.jti, subject: payload.sub, expiresAtMs: (payload.exp as number) * 1000 };
    } catch (error) {
      if (error instanceof InvalidSignInCodeError) throw error;
      if (error instanceof errors.JWTExpired)
        throw new InvalidSignInCodeError('The sign-in link has expired.');
      if (error instanceof errors.JOSEError)
        throw new InvalidSignInCodeError('The sign-in link is not valid.');
      throw error;
    }
  }
}
