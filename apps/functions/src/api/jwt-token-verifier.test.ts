import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { JwtTokenVerifier } from './jwt-token-verifier';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'meridian-test';
let privateKey: CryptoKey;
let jwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
});

async function token(expiresInSeconds: number, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('alice')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(privateKey);
}

describe('JwtTokenVerifier claims', () => {
  it('refuses a token without an expiry, which would otherwise be valid forever', async () => {
    const verifier = new JwtTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keySet: createLocalJWKSet({ keys: [jwk] }),
    });
    const forever = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('alice')
      .setIssuedAt()
      .sign(privateKey);

    await expect(verifier.verify(forever)).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(verifier.verify(await token(60))).resolves.toMatchObject({ subject: 'alice' });
  });
});

describe('JwtTokenVerifier subject', () => {
  const signed = (sub: unknown, claims: Record<string, unknown> = {}) =>
    // Cast: jose types `sub` as a string, and these tests sign other types on purpose.
    new SignJWT({ sub, ...claims } as JWTPayload)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  const verifier = (knownSubject?: (subject: string) => boolean) =>
    new JwtTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keySet: createLocalJWKSet({ keys: [jwk] }),
      ...(knownSubject ? { knownSubject } : {}),
    });

  it('refuses a subject that is not a string: a number, an object, an empty or oversized string', async () => {
    for (const sub of [
      12345,
      0,
      { id: 'alice' },
      ['alice'],
      true,
      '',
      'a'.repeat(300),
      'ali\u0000ce',
      'a b',
    ]) {
      await expect(verifier().verify(await signed(sub)), JSON.stringify(sub)).rejects.toMatchObject({
        code: 'unauthenticated',
      });
    }
    await expect(verifier().verify(await signed('alice'))).resolves.toMatchObject({ subject: 'alice' });
  });

  it('refuses a subject the principal directory does not know, when it is given one', async () => {
    const known = verifier((subject) => subject === 'alice');
    await expect(known.verify(await signed('mallory'))).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(known.verify(await signed('alice'))).resolves.toMatchObject({ subject: 'alice' });
  });
});

describe('JwtTokenVerifier cache', () => {
  it('checks the signature once per token while it is valid, and again after it expires', async () => {
    let keyLookups = 0;
    const keySet = createLocalJWKSet({ keys: [jwk] });
    let now = Date.now();
    const verifier = new JwtTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keySet: (header, input) => {
        keyLookups++;
        return keySet(header, input);
      },
      now: () => now,
    });
    const bearer = await token(60, { 'cognito:groups': ['admin'] });

    const first = await verifier.verify(bearer);
    const second = await verifier.verify(bearer);
    expect(second).toEqual(first);
    expect(first.isAdmin).toBe(true);
    expect(keyLookups).toBe(1);

    now += 120_000;
    // Past its expiry the cached entry is dropped and jose rejects the token itself.
    await expect(verifier.verify(bearer)).rejects.toThrow(/expired/);
    expect(keyLookups).toBe(2);
  });

  it('never caches a token that failed verification', async () => {
    const verifier = new JwtTokenVerifier({
      issuer: 'https://someone.else',
      audience: AUDIENCE,
      keySet: createLocalJWKSet({ keys: [jwk] }),
    });
    const bearer = await token(60);
    await expect(verifier.verify(bearer)).rejects.toThrow();
    await expect(verifier.verify(bearer)).rejects.toThrow();
  });

  it('keeps at most cacheSize tokens, evicting the oldest', async () => {
    let keyLookups = 0;
    const keySet = createLocalJWKSet({ keys: [jwk] });
    const verifier = new JwtTokenVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      keySet: (header, input) => {
        keyLookups++;
        return keySet(header, input);
      },
      cacheSize: 2,
    });
    const [a, b, c] = [await token(60, { n: 1 }), await token(60, { n: 2 }), await token(60, { n: 3 })];
    for (const bearer of [a, b, c]) await verifier.verify(bearer);
    await verifier.verify(c);
    expect(keyLookups).toBe(3);
    await verifier.verify(a);
    expect(keyLookups).toBe(4);
  });
});
