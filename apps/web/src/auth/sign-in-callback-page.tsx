import { useEffect, useRef, useState } from 'react';
import { Link } from '../router/link';
import { navigate, safeLocalPath } from '../router/router';
import { Loading } from '../ui/async-states';
import { usePageTitle } from '../ui/page-title';
import { ProblemMessage } from '../ui/problem-message';
import { completeCognitoSignIn } from './cognito';
import { useRuntimeConfig } from './config-context';
import { sessionStore } from './session';

/** Cognito's hosted UI redirects here with ?code&state; the code is exchanged once (PKCE) for tokens. */
export function SignInCallbackPage() {
  usePageTitle('Signing in');
  const config = useRuntimeConfig();
  const [error, setError] = useState<unknown>();
  // React's development double-effect must not spend the one-time code twice.
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    if (config.auth.kind !== 'cognito') {
      setError(new Error('This deployment does not use Cognito sign-in.'));
      return;
    }
    completeCognitoSignIn(config.auth, window.location.search)
      .then(({ accessToken, returnTo }) => {
        sessionStore.signIn(accessToken, 'cognito');
        navigate(safeLocalPath(returnTo), { replace: true });
      })
      .catch(setError);
  }, [config]);

  return (
    <section className="narrow">
      <h1>Signing in</h1>
      {error ? (
        <>
          <ProblemMessage error={error} action="Signing in" />
          <Link to="/sign-in">Try again</Link>
        </>
      ) : (
        <Loading label="Finishing the sign-in…" />
      )}
    </section>
  );
}
