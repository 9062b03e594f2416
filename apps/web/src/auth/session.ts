import { useSyncExternalStore } from 'react';

export interface Session {
  token: string;
  /** Cognito `sub` or the demo user id; the API's customerId. */
  userId: string;
  name: string;
  isAdmin: boolean;
  expiresAt: number;
  source: 'local' | 'cognito';
}

const KEY = 'meridian.session.v1';
export const ADMIN_GROUP = 'admin';

function decodePayload(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    const payload: unknown = JSON.parse(json);
    return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads who is signed in from the token's claims (not verified here: the API verifies every request;
 * the claims only decide what the UI offers).
 */
export function sessionFromToken(token: string, source: Session['source']): Session | undefined {
  const claims = decodePayload(token);
  if (!claims || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return undefined;
  const groups = Array.isArray(claims['cognito:groups']) ? claims['cognito:groups'] : [];
  const name = [claims.name, claims.username, claims['cognito:username'], claims.sub].find(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
  return {
    token,
    userId: claims.sub,
    name: name ?? claims.sub,
    isAdmin: groups.includes(ADMIN_GROUP),
    expiresAt: claims.exp * 1000,
    source,
  };
}

export interface SessionStore {
  get(): Session | undefined;
  signIn(token: string, source: Session['source']): Session;
  signOut(): void;
  subscribe(listener: () => void): () => void;
}

export class InvalidTokenError extends Error {}

export function createSessionStore(storage: Storage, now: () => number = Date.now): SessionStore {
  const listeners = new Set<() => void>();
  let cached: { raw: string | null; session: Session | undefined } = { raw: null, session: undefined };
  const notify = () => {
    for (const listener of listeners) listener();
  };
  const read = (): Session | undefined => {
    const raw = storage.getItem(KEY);
    if (raw !== cached.raw) {
      let session: Session | undefined;
      try {
        const stored = raw ? (JSON.parse(raw) as { token?: unknown; source?: unknown }) : undefined;
        if (typeof stored?.token === 'string') {
          session = sessionFromToken(stored.token, stored.source === 'cognito' ? 'cognito' : 'local');
        }
      } catch {
        session = undefined;
      }
      cached = { raw, session };
    }
    return cached.session && cached.session.expiresAt > now() ? cached.session : undefined;
  };
  if (typeof window !== 'undefined') {
    window.addEventListener('storage', (event) => {
      if (event.key === KEY) notify();
    });
  }
  return {
    get: read,
    signIn(token, source) {
      const session = sessionFromToken(token, source);
      if (!session) throw new InvalidTokenError('The sign-in returned a token this app cannot read.');
      storage.setItem(KEY, JSON.stringify({ token, source }));
      notify();
      return session;
    },
    signOut() {
      storage.removeItem(KEY);
      notify();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const sessionStore: SessionStore = createSessionStore(localStorage);

export function useSession(store: SessionStore = sessionStore): Session | undefined {
  return useSyncExternalStore(store.subscribe, store.get);
}
