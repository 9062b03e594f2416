import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch, json, problem } from '../test-support/fake-fetch';
import { demoToken } from '../test-support/fixtures';
import { ConfigContext } from './config-context';
import { createSessionStore } from './session';
import { SignInPage } from './sign-in-page';

const users = [
  { id: 'alice', name: 'Alice Rivera', groups: [] },
  { id: 'admin', name: 'Operations Admin', groups: ['admin'] },
];

describe('sign-in page', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('signs a customer in with the local demo issuer and returns to where they were going', async () => {
    window.history.replaceState(null, '', '/sign-in?next=%2Fcheckout');
    const { requests } = fakeFetch({
      'GET /auth/users': () => json({ users }),
      'POST /auth/token': () => json({ token: demoToken({ sub: 'alice', name: 'Alice Rivera' }) }),
    });
    const store = createSessionStore(localStorage);
    render(<SignInPage store={store} />);

    fireEvent.click(await screen.findByRole('button', { name: /Alice Rivera/ }));

    await waitFor(() => expect(window.location.pathname).toBe('/checkout'));
    expect(store.get()?.name).toBe('Alice Rivera');
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({ user: 'alice' });
  });

  it('sends an operator to the console and refuses open redirects', async () => {
    window.history.replaceState(null, '', '/sign-in?next=%2F%2Fevil.example');
    fakeFetch({
      'GET /auth/users': () => json({ users }),
      'POST /auth/token': () => json({ token: demoToken({ sub: 'admin', groups: ['admin'] }) }),
    });
    render(<SignInPage store={createSessionStore(localStorage)} />);

    expect(screen.getByText('Loading demo accounts…')).toBeTruthy();
    fireEvent.click(await screen.findByRole('button', { name: /Operations Admin operator/ }));

    await waitFor(() => expect(window.location.pathname).toBe('/admin'));
  });

  it('shows a failed sign-in in words and keeps the visitor signed out', async () => {
    window.history.replaceState(null, '', '/sign-in');
    fakeFetch({
      'GET /auth/users': () => json({ users }),
      'POST /auth/token': () => problem(404, 'unknown_user', 'Unknown demo user "alice".'),
    });
    const store = createSessionStore(localStorage);
    render(<SignInPage store={store} />);

    fireEvent.click(await screen.findByRole('button', { name: /Alice Rivera/ }));

    expect((await screen.findByRole('alert')).textContent).toContain(
      'Signing in failed: That demo user does not exist.',
    );
    expect(store.get()).toBeUndefined();
  });

  it('offers the Cognito hosted UI instead of demo accounts on AWS', () => {
    fakeFetch({});
    render(
      <ConfigContext.Provider
        value={{ auth: { kind: 'cognito', domain: 'https://d', clientId: 'c', redirectUri: 'https://r' } }}
      >
        <SignInPage store={createSessionStore(localStorage)} />
      </ConfigContext.Provider>,
    );
    expect(screen.getByRole('button', { name: 'Continue to sign-in' })).toBeTruthy();
    expect(screen.queryByText(/demo account/)).toBeNull();
  });
});
