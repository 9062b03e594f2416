import type { CognitoConfig } from './runtime-config';

/** What the callback needs to finish the sign-in that started before the redirect. */
export interface PendingSignIn {
  verifier: string;
  state: string;
  returnTo: string;
}

const PENDING_KEY = 'meridian.cognito.pending.v1';

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomUrlSafe(byteCount = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

/** RFC 7636 S256: BASE64URL(SHA-256(verifier)). */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export function authorizeUrl(config: CognitoConfig, challenge: string, state: string): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid profile email',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${config.domain}/oauth2/authorize?${params.toString()}`;
}

/** The hosted UI's token endpoint takes a form-encoded body; a public client sends no secret, only the verifier. */
export function tokenRequest(
  config: CognitoConfig,
  code: string,
  verifier: string,
): { url: string; init: RequestInit } {
  return {
    url: `${config.domain}/oauth2/token`,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: config.clientId,
        code,
        redirect_uri: config.redirectUri,
        code_verifier: verifier,
      }).toString(),
    },
  };
}

export function logoutUrl(config: CognitoConfig, logoutUri: string): string {
  const params = new URLSearchParams({ client_id: config.clientId, logout_uri: logoutUri });
  return `${config.domain}/logout?${params.toString()}`;
}

/** Step 1: remember a fresh verifier and state, then send the browser to the hosted UI. */
export async function beginCognitoSignIn(
  config: CognitoConfig,
  returnTo: string,
  storage: Storage = sessionStorage,
): Promise<string> {
  const pending: PendingSignIn = { verifier: randomUrlSafe(48), state: randomUrlSafe(16), returnTo };
  storage.setItem(PENDING_KEY, JSON.stringify(pending));
  return authorizeUrl(config, await pkceChallenge(pending.verifier), pending.state);
}

export class SignInCallbackError extends Error {}

/** Step 2, on the redirect back: check the state, exchange the code, return the access token and where to go. */
export async function completeCognitoSignIn(
  config: CognitoConfig,
  search: string,
  options: { storage?: Storage; fetch?: typeof fetch } = {},
): Promise<{ accessToken: string; returnTo: string }> {
  const storage = options.storage ?? sessionStorage;
  const params = new URLSearchParams(search);
  const failure = params.get('error_description') ?? params.get('error');
  if (failure) throw new SignInCallbackError(`Cognito refused the sign-in: ${failure}`);
  const raw = storage.getItem(PENDING_KEY);
  storage.removeItem(PENDING_KEY);
  const pending = raw ? (JSON.parse(raw) as PendingSignIn) : undefined;
  const code = params.get('code');
  if (!pending || !code || params.get('state') !== pending.state) {
    throw new SignInCallbackError('This sign-in link is stale or was not started here. Sign in again.');
  }
  const request = tokenRequest(config, code, pending.verifier);
  const response = await (options.fetch ?? fetch)(request.url, request.init);
  const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string };
  if (!response.ok || !body.access_token) {
    throw new SignInCallbackError(`The token exchange failed (${body.error ?? `HTTP ${response.status}`}).`);
  }
  return { accessToken: body.access_token, returnTo: pending.returnTo };
}
