export interface CognitoConfig {
  kind: 'cognito';
  /** The hosted UI domain, e.g. https://meridian.auth.eu-west-1.amazoncognito.com */
  domain: string;
  clientId: string;
  redirectUri: string;
}

export type AuthConfig = { kind: 'local' } | CognitoConfig;

export interface RuntimeConfig {
  auth: AuthConfig;
}

const LOCAL: RuntimeConfig = { auth: { kind: 'local' } };

/** Accepts `{ auth: { kind: 'cognito', domain, clientId, redirectUri } }`; anything else means local demo sign-in. */
export function parseRuntimeConfig(value: unknown): RuntimeConfig {
  const auth = (value as { auth?: Record<string, unknown> } | null)?.auth;
  if (
    auth?.kind === 'cognito' &&
    typeof auth.domain === 'string' &&
    typeof auth.clientId === 'string' &&
    typeof auth.redirectUri === 'string'
  ) {
    const domain = /^https?:\/\//.test(auth.domain) ? auth.domain : `https://${auth.domain}`;
    return {
      auth: {
        kind: 'cognito',
        domain: domain.replace(/\/+$/, ''),
        clientId: auth.clientId,
        redirectUri: auth.redirectUri,
      },
    };
  }
  return LOCAL;
}

/**
 * The deployment writes /config.json next to the app on AWS (the same build serves both runtimes).
 * Locally there is none: the front door answers unknown paths with index.html, so only JSON counts.
 */
export async function loadRuntimeConfig(fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  try {
    const response = await fetchImpl('/config.json', { headers: { accept: 'application/json' } });
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json')) {
      await response.body?.cancel();
      return LOCAL;
    }
    return parseRuntimeConfig(await response.json());
  } catch {
    return LOCAL;
  }
}
