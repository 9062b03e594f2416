import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ADMIN_GROUP } from '@meridian/domain';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';

/** The local stand-in for the Cognito user pool: same claims, same verification path (jose + a JWKS). */
export const LOCAL_ISSUER = 'http://localhost:8080/auth';
export const LOCAL_AUDIENCE = 'meridian-local';
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

export class UnknownDemoUserError extends Error {
  constructor(user: string) {
    super(`Unknown demo user "${user}". Known users: ${DEMO_USERS.map((u) => u.id).join(', ')}.`);
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
      const kid = `local-${Date.now().toString(36)}`;
      const stored: StoredKeys = {
        kid,
        privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALGORITHM },
        publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' },
      };
      mkdirSync(dirname(keyFile), { recursive: true });
      const temporary = `${keyFile}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(stored, null, 2), { mode: 0o600 });
      if (!existsSync(keyFile)) renameSync(temporary, keyFile);
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

  /** Signs an access token for a demo user, shaped like a Cognito access token. */
  async issue(userId: string, options: { admin?: boolean; ttlSeconds?: number } = {}): Promise<string> {
    const user = DEMO_USERS.find((candidate) => candidate.id === userId);
    if (!user) throw new UnknownDemoUserError(userId);
    const groups =
      options.admin && !user.groups.includes(ADMIN_GROUP) ? [...user.groups, ADMIN_GROUP] : user.groups;
    return new SignJWT({
      'cognito:groups': groups,
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
}
