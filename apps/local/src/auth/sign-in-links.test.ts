import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSignInCodeError, LocalIssuer } from './local-issuer';
import { createSignInLink, SignInRedemptions } from './sign-in-links';

describe('one-time admin sign-in links', () => {
  let dir: string;
  let issuer: LocalIssuer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-sign-in-'));
    issuer = await LocalIssuer.open(join(dir, 'issuer-keys.json'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const codeOf = (link: string) => new URL(link).hash.replace('#code=', '');

  it('carries a code in the fragment that the issuer recognises as an admin sign-in', async () => {
    const link = await createSignInLink(issuer, 'http://localhost:8080');
    expect(link).toMatch(/^http:\/\/localhost:8080\/sign-in#code=[\w-]+\.[\w-]+\.[\w-]+$/);
    const code = await issuer.verifySignInCode(codeOf(link));
    expect(code.subject).toBe('admin');
    expect(code.expiresAtMs).toBeGreaterThan(Date.now() + 11 * 3600_000);
  });

  it('is not an access token, and an access token is not a sign-in code', async () => {
    await expect(issuer.verifySignInCode(await issuer.issue('admin'))).rejects.toBeInstanceOf(
      InvalidSignInCodeError,
    );
    const other = await LocalIssuer.open(join(dir, 'other-keys.json'));
    await expect(issuer.verifySignInCode(await other.signInCode('x'))).rejects.toThrow('not valid');
    await expect(issuer.verifySignInCode(await issuer.signInCode('x', -60))).rejects.toThrow('expired');
  });

  it('is honoured once, also after the front door restarts', () => {
    const file = join(dir, 'used');
    const redemptions = new SignInRedemptions(file);
    const expiresAtMs = Date.now() + 60_000;
    expect(redemptions.redeem('code-1', expiresAtMs)).toBe(true);
    expect(redemptions.redeem('code-1', expiresAtMs)).toBe(false);
    const restarted = new SignInRedemptions(file);
    expect(restarted.redeem('code-1', expiresAtMs)).toBe(false);
    expect(restarted.redeem('code-2', expiresAtMs)).toBe(true);
  });

  it('forgets used codes once they have expired anyway', () => {
    const file = join(dir, 'used-expiring');
    let now = 1_000_000;
    new SignInRedemptions(file, () => now).redeem('old', now + 1000);
    now += 2000;
    // Expired: the code itself is refused by its expiry, the record is no longer needed.
    expect(new SignInRedemptions(file, () => now).redeem('old', now + 1000)).toBe(true);
  });
});
