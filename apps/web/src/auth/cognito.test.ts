import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  authorizeUrl,
  beginCognitoSignIn,
  completeCognitoSignIn,
  pkceChallenge,
  SignInCallbackError,
  tokenRequest,
} from './cognito';
import type { CognitoConfig } from './runtime-config';

const config: CognitoConfig = {
  kind: 'cognito',
  domain: 'https://meridian.auth.eu-west-1.amazoncognito.com',
  clientId: 'client123',
  redirectUri: 'https://shop.example.com/sign-in/callback',
};

describe('Cognito hosted UI, authorization code + PKCE', () => {
  beforeEach(() => sessionStorage.clear());

  it('computes the S256 challenge of RFC 7636 appendix B', async () => {
    expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('builds the authorize URL with the code flow, the client, the redirect, the state and the challenge', () => {
    const url = new URL(authorizeUrl(config, 'challenge-abc', 'state-xyz'));
    expect(`${url.origin}${url.pathname}`).toBe(
      'https://meridian.auth.eu-west-1.amazoncognito.com/oauth2/authorize',
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client123',
      redirect_uri: 'https://shop.example.com/sign-in/callback',
      scope: 'openid profile email',
      state: 'state-xyz',
      code_challenge: 'challenge-abc',
      code_challenge_method: 'S256',
    });
  });

  it('exchanges the code at the token endpoint with a form body carrying the verifier and no secret', () => {
    const { url, init } = tokenRequest(config, 'the-code', 'the-verifier');
    expect(url).toBe('https://meridian.auth.eu-west-1.amazoncognito.com/oauth2/token');
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'content-type': 'application/x-www-form-urlencoded' });
    expect(Object.fromEntries(new URLSearchParams(String(init.body)))).toEqual({
      grant_type: 'authorization_code',
      client_id: 'client123',
      code: 'the-code',
      redirect_uri: 'https://shop.example.com/sign-in/callback',
      code_verifier: 'the-verifier',
    });
  });

  it('completes a sign-in it started: the challenge sent matches the verifier exchanged', async () => {
    const started = new URL(await beginCognitoSignIn(config, '/orders'));
    const state = started.searchParams.get('state') ?? '';
    const fetchImpl = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) =>
      Response.json({ access_token: 'access.jwt', id_token: 'id.jwt' }),
    );

    const result = await completeCognitoSignIn(config, `?code=abc&state=${state}`, { fetch: fetchImpl });

    expect(result).toEqual({ accessToken: 'access.jwt', returnTo: '/orders' });
    const verifier =
      new URLSearchParams(String(fetchImpl.mock.calls[0]?.[1]?.body)).get('code_verifier') ?? '';
    expect(await pkceChallenge(verifier)).toBe(started.searchParams.get('code_challenge'));
  });

  it('refuses a callback whose state does not match, and a refused sign-in, without calling Cognito', async () => {
    await beginCognitoSignIn(config, '/');
    const fetchImpl = vi.fn();
    await expect(
      completeCognitoSignIn(config, '?code=abc&state=forged', { fetch: fetchImpl }),
    ).rejects.toBeInstanceOf(SignInCallbackError);
    await expect(
      completeCognitoSignIn(config, '?error=access_denied&error_description=User+cancelled', {
        fetch: fetchImpl,
      }),
    ).rejects.toThrow('Cognito refused the sign-in: User cancelled');
    expect(fetchImpl).not.toHaveBeenCalled();
  });
});
