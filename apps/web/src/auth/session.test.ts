import { beforeEach, describe, expect, it } from 'vitest';
import { demoToken } from '../test-support/fixtures';
import { createSessionStore, InvalidTokenError, sessionFromToken } from './session';

describe('session', () => {
  beforeEach(() => localStorage.clear());

  it('reads name and operator rights from the token claims', () => {
    const admin = sessionFromToken(
      demoToken({ sub: 'admin', name: 'Operations Admin', groups: ['admin'] }),
      'local',
    );
    expect(admin).toMatchObject({ userId: 'admin', name: 'Operations Admin', isAdmin: true });
    expect(sessionFromToken(demoToken({ sub: 'alice' }), 'local')?.isAdmin).toBe(false);
    expect(sessionFromToken('not-a-jwt', 'local')).toBeUndefined();
  });

  it('keeps the session across a reload and forgets it once the token has expired', () => {
    const now = Date.now();
    createSessionStore(localStorage).signIn(
      demoToken({ sub: 'alice', exp: Math.floor(now / 1000) + 60 }),
      'local',
    );

    expect(createSessionStore(localStorage, () => now).get()?.userId).toBe('alice');
    expect(createSessionStore(localStorage, () => now + 61_000).get()).toBeUndefined();
  });

  it('refuses a token it cannot read and signs out for good', () => {
    const store = createSessionStore(localStorage);
    expect(() => store.signIn('garbage', 'local')).toThrow(InvalidTokenError);
    store.signIn(demoToken({ sub: 'bob' }), 'local');
    store.signOut();
    expect(createSessionStore(localStorage).get()).toBeUndefined();
  });
});
