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

  it('offers customers only: an operator signs in with a one-time link, not a button', async () => {
    window.history.replaceState(null, '', '/sign-in');
    fakeFetch({ 'GET /auth/users': () => json({ users }) });
    render(<SignInPage store={createSessionStore(localStorage)} />);

    expect(screen.getByText('Loading demo accounts…')).toBeTruthy();
    await screen.findByRole('button', { name: /Alice Rivera/ });
    expect(screen.queryByRole('button', { name: /Operations Admin/ })).toBeNull();
    expect(screen.getByText(/one-time sign-in link/)).toBeTruthy();
  });

  it('signs an operator in with the code of a sign-in link, once, and takes it out of the address bar', async () => {
    window.history.replaceState(null, '', '/sign-in?next=%2F%2Fevil.example#code=the-code');
    const { requests } = fakeFetch({
      'GET /auth/users': () => json({ users }),
      'POST /auth/sign-in-link': () => json({ token: demoToken({ sub: 'admin', groups: ['admin'] }) }),
    });
    const store = createSessionStore(localStorage);
    render(<SignInPage store={store} />);

    // An open redirect in `next` is ignored: the operator lands on the console.
    await waitFor(() => expect(window.location.pathname).toBe('/admin'));
    expect(window.location.hash).toBe('');
    expect(store.get()?.isAdmin).toBe(true);
    const sent = requests.filter((r) => r.method === 'POST');
    expect(sent.map((r) => [r.path, r.body])).toEqual([['/auth/sign-in-link', { code: 'the-code' }]]);
  });

  it('says so when a sign-in link was used already, and stays signed out', async () => {
    window.history.replaceState(null, '', '/sign-in#code=used');
    fakeFetch({
      'GET /auth/users': () => json({ users }),
      'POST /auth/sign-in-link': () =>
        problem(401, 'invalid_sign_in_link', 'The sign-in link was used already.'),
    });
    const store = createSessionStore(localStorage);
    render(<SignInPage store={store} />);

    expect((await screen.findByRole('alert')).textContent).toContain('That sign-in link no longer works');
    expect(store.get()).toBeUndefined();
    expect(window.location.pathname).toBe('/sign-in');
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
