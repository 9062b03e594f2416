import { useEffect, useRef, useState } from 'react';
import { onRegionAnswered, setUnauthorizedHandler } from './api/http-client';
import { logoutUrl } from './auth/cognito';
import { useRuntimeConfig } from './auth/config-context';
import { sessionStore, useSession } from './auth/session';
import { cartCount, useCart } from './cart/cart-store';
import { Link } from './router/link';
import { navigate, useLocation } from './router/router';
import { renderRoute } from './routes';

export function App() {
  const { pathname } = useLocation();
  const session = useSession();
  const count = cartCount(useCart());
  const config = useRuntimeConfig();
  const [region, setRegion] = useState<string | undefined>();
  const [expired, setExpired] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => onRegionAnswered(setRegion), []);
  useEffect(() => {
    setUnauthorizedHandler(() => {
      sessionStore.signOut();
      setExpired(true);
    });
    return () => setUnauthorizedHandler(undefined);
  }, []);
  useEffect(() => {
    // After client-side navigation, move focus to the new page so keyboard and screen-reader users start there.
    if (firstRender.current) firstRender.current = false;
    else mainRef.current?.focus();
  }, [pathname]);

  const signOut = () => {
    sessionStore.signOut();
    if (config.auth.kind === 'cognito')
      window.location.assign(logoutUrl(config.auth, `${window.location.origin}/`));
    else navigate('/');
  };

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link to="/" className="brand">
            Meridian
          </Link>
          <nav aria-label="Main">
            <ul>
              <li>
                <Link to="/">Shop</Link>
              </li>
              <li>
                <Link to="/cart">
                  Cart <span className="count">({count})</span>
                  <span className="visually-hidden"> items</span>
                </Link>
              </li>
              {session ? (
                <li>
                  <Link to="/orders" matchPrefix>
                    My orders
                  </Link>
                </li>
              ) : null}
              {session?.isAdmin ? (
                <li>
                  <Link to="/admin" matchPrefix>
                    Console
                  </Link>
                </li>
              ) : null}
            </ul>
          </nav>
          <div className="account">
            {session ? (
              <>
                <span className="who">
                  {session.name}
                  {session.isAdmin ? ' (operator)' : ''}
                </span>
                <button type="button" className="button button-link" onClick={signOut}>
                  Sign out
                </button>
              </>
            ) : (
              <Link to={`/sign-in?next=${encodeURIComponent(pathname)}`}>Sign in</Link>
            )}
          </div>
        </div>
      </header>
      {expired && !session ? (
        <div className="banner" role="alert">
          Your session ended. <Link to={`/sign-in?next=${encodeURIComponent(pathname)}`}>Sign in again</Link>.
          <button type="button" className="button button-link" onClick={() => setExpired(false)}>
            Dismiss
          </button>
        </div>
      ) : null}
      <main id="main" ref={mainRef} tabIndex={-1}>
        {renderRoute(pathname)}
      </main>
      <footer className="site-footer">
        <p>
          Meridian multi-region demo shop.{' '}
          {region ? (
            <>
              Last answer from region <strong data-testid="answering-region">{region}</strong>.
            </>
          ) : null}{' '}
          <a href="/api/v1/openapi.json">API description</a>
        </p>
      </footer>
    </>
  );
}
