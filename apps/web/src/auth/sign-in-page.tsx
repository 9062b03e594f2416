import { useState } from 'react';
import { demoToken, listDemoUsers } from '../api/front-door-api';
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

function DemoSignIn({ next, store }: { next: string; store: SessionStore }) {
  const users = useResource('demo-users', listDemoUsers);
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const signIn = async (user: DemoUser) => {
    setBusy(user.id);
    setError(undefined);
    try {
      const session = store.signIn(await demoToken(user.id), 'local');
      // An operator who came to sign in lands on the console; a customer goes back to what they were doing.
      navigate(next === '/' && session.isAdmin ? '/admin' : next, { replace: true });
    } catch (failure) {
      setError(failure);
      setBusy(undefined);
    }
  };
  return (
    <>
      <p>Local mode: pick a demo account. (On AWS this page sends you to Amazon Cognito instead.)</p>
      {users.error ? <ProblemMessage error={users.error} action="Loading the demo accounts" /> : null}
      {users.data ? (
        <ul className="account-list">
          {users.data.map((user) => (
            <li key={user.id}>
              <button
                type="button"
                className="button button-account"
                disabled={busy !== undefined}
                onClick={() => void signIn(user)}
              >
                <span className="account-name">{user.name}</span>{' '}
                <span className="account-role">
                  {user.groups.includes(ADMIN_GROUP) ? 'operator (admin console)' : 'customer'}
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : users.loading ? (
        <Loading label="Loading demo accounts…" />
      ) : null}
      {busy ? <Loading label="Signing in…" /> : null}
      {error ? <ProblemMessage error={error} action="Signing in" /> : null}
    </>
  );
}
