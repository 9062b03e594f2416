import { requestJson } from './http-client';
import type { ControlStatus, DemoUser, FrontDoorStatus } from './types';

/** The front door's region status: an operator route, for admins only. */
export async function frontDoorStatus(token: string, signal?: AbortSignal): Promise<FrontDoorStatus> {
  const { data } = await requestJson<FrontDoorStatus>('/frontdoor/status', {
    token,
    ...(signal ? { signal } : {}),
  });
  return data;
}

export type ControlAction =
  | { kind: 'kill-region'; region: string }
  | { kind: 'start-region'; region: string }
  | { kind: 'cut-link' }
  | { kind: 'heal-link' }
  | { kind: 'kill-provider' }
  | { kind: 'start-provider' };

export function controlPath(action: ControlAction): string {
  switch (action.kind) {
    case 'kill-region':
      return `/frontdoor/control/regions/${encodeURIComponent(action.region)}/kill`;
    case 'start-region':
      return `/frontdoor/control/regions/${encodeURIComponent(action.region)}/start`;
    case 'cut-link':
      return '/frontdoor/control/link/cut';
    case 'heal-link':
      return '/frontdoor/control/link/heal';
    case 'kill-provider':
      return '/frontdoor/control/provider/kill';
    case 'start-provider':
      return '/frontdoor/control/provider/start';
  }
}

/**
 * Local mode only: the front door stops/starts region processes and the payment provider, and cuts/heals
 * replication (202 Accepted).
 */
export async function sendControl(action: ControlAction, token: string | undefined): Promise<void> {
  await requestJson<unknown>(controlPath(action), { method: 'POST', token });
}

/** Local mode only: which processes the launcher runs (a 404 elsewhere). */
export async function controlStatus(token: string | undefined, signal?: AbortSignal): Promise<ControlStatus> {
  const { data } = await requestJson<ControlStatus>('/frontdoor/control/status', {
    token,
    ...(signal ? { signal } : {}),
  });
  return data;
}

/** The local issuer's demo customers (operators sign in with a one-time link instead). */
export async function listDemoUsers(signal?: AbortSignal): Promise<DemoUser[]> {
  const { data } = await requestJson<{ users: DemoUser[] }>('/auth/users', signal ? { signal } : {});
  return data.users;
}

/** Local demo sign-in of a customer (stands in for Cognito's hosted UI). */
export async function demoToken(user: string): Promise<string> {
  const { data } = await requestJson<{ token: string }>('/auth/token', { method: 'POST', body: { user } });
  return data.token;
}

/** Trades the code of a one-time sign-in link (printed by `npm start` or the CLI) for an admin token, once. */
export async function signInWithLink(code: string): Promise<string> {
  const { data } = await requestJson<{ token: string }>('/auth/sign-in-link', {
    method: 'POST',
    body: { code },
  });
  return data.token;
}
