import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};
if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const currentPath = () => window.location.pathname + window.location.search;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === currentPath()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

export interface Location {
  pathname: string;
  search: URLSearchParams;
}

let cachedKey = '';
let cachedLocation: Location = { pathname: '/', search: new URLSearchParams() };

function snapshot(): Location {
  const key = currentPath();
  if (key !== cachedKey) {
    cachedKey = key;
    cachedLocation = {
      pathname: window.location.pathname,
      search: new URLSearchParams(window.location.search),
    };
  }
  return cachedLocation;
}

export function useLocation(): Location {
  return useSyncExternalStore(subscribe, snapshot);
}

/** Matches `/orders/:orderId` style patterns; returns the decoded parameters or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = pathname.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of want.entries()) {
    const actual = have[index] as string;
    if (segment.startsWith(':')) {
      try {
        params[segment.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (segment !== actual) {
      return null;
    }
  }
  return params;
}

/** Only same-site paths may be redirect targets (a `next=` parameter must not send people elsewhere). */
export function safeLocalPath(path: string | null | undefined, fallback = '/'): string {
  return path?.startsWith('/') && !path.startsWith('//') && !path.includes('\\') ? path : fallback;
}
