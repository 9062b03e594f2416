import { useEffect, useRef, useState } from 'react';
import { demoToken, listDemoUsers, signInWithLink } from '../api/front-door-api';
import type { DemoUser } from '../api/types';
import { navigate, safeLocalPath, useLocation } from '../router/router';
import { Loading } from '../ui/async-states';
import { usePageTitle } from '../ui/page-title';
import { ProblemMessage } from '../ui/problem-message';
import { useResource } from '../ui/use-resource';
import { beginCognitoSignIn } from './cognito';
import { useRuntimeConfig } from './config-context';
import type { CognitoConfig } from './runtime-config';
import { ADMIN_GROUP, type SessionStore, sessionStore } from './session';

export function SignInPage({ store = sessionStore }: { store?: SessionStore }) {
  usePageTitle('Sign in');
  const config = useRuntimeConfig();
  const next = safeLocalPath(useLocation().search.get('next'));
  return (
    <section aria-labelledby="sign-in-title" className="narrow">
      <h1 id="sign-in-title">Sign in</h1>
      {config.auth.kind === 'cognito' ? (
        <CognitoSignIn config={config.auth} next={next} />
      ) : (
        <DemoSignIn next={next} store={store} />
      )}
    </section>
  );
}

function CognitoSignIn({ config, next }: { config: CognitoConfig; next: string }) {
  const [error, setError] = useState<unknown>();
  const start = async () => {
    try {
      window.location.assign(await beginCognitoSignIn(config, next));
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <>
      <p>You will be sent to the Meridian sign-in page (Amazon Cognito) and brought back here.</p>
      <button type="button" className="button button-large" onClick={() => void start()}>
        Continue to sign-in
      </button>
      {error ? <ProblemMessage error={error} action="Starting the sign-in" /> : null}
    </>
  );
}

/** The code of a one-time sign-in link (`/sign-in#code=…`), taken out of the address bar at once. */
function takeLinkCode(): string | undefined {
  const code = new URLSearchParams(window.location.hash.slice(1)).get('code') ?? undefined;
  if (code !== undefined)
    window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  return code;
}

function DemoSignIn({ next, store }: { next: string; store: SessionStore }) {
  const users = useResource('demo-users', listDemoUsers);
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  // React's development double-effect must not spend the one-time code twice.
  const linkTaken = useRef(false);

  useEffect(() => {
    if (linkTaken.current) return;
    linkTaken.current = true;
    const code = takeLinkCode();
    if (code === undefined) return;
    setBusy('link');
    signInWithLink(code)
      .then((token) => {
        store.signIn(token, 'local');
        navigate(next === '/' ? '/admin' : next, { replace: true });
      })
      .catch((failure: unknown) => {
        setError(failure);
        setBusy(undefined);
      });
  }, [next, store]);

  const signIn = async (user: DemoUser) => {
    setBusy(user.id);
    setError(undefined);
    try {
      store.signIn(await demoToken(user.id), 'local');
      navigate(next, { replace: true });
    } catch (failure) {
      setError(failure);
      setBusy(undefined);
    }
  };
  return (
    <>
      <p>Local mode: pick a demo customer. (On AWS this page sends you to Amazon Cognito instead.)</p>
      {users.error ? <ProblemMessage error={users.error} action="Loading the demo accounts" /> : null}
      {users.data ? (
        <ul className="account-list">
          {users.data
            .filter((user) => !user.groups.includes(ADMIN_GROUP))
            .map((user) => (
              <li key={user.id}>
                <button
                  type="button"
                  className="button button-account"
                  disabled={busy !== undefined}
                  onClick={() => void signIn(user)}
                >
                  <span className="account-name">{user.name}</span>{' '}
                  <span className="account-role">customer</span>
                </button>
              </li>
            ))}
        </ul>
      ) : users.loading ? (
        <Loading label="Loading demo accounts…" />
      ) : null}
      <p className="muted">
        Operators: open the one-time sign-in link that <code>npm start</code> printed, or print a new one with{' '}
        <code>npm run -s meridian -- sign-in-link</code>.
      </p>
      {busy ? <Loading label="Signing in…" /> : null}
      {error ? <ProblemMessage error={error} action="Signing in" /> : null}
    </>
  );
}
