import { requestJson } from './http-client';
import type { DemoUser, FrontDoorStatus } from './types';

export async function frontDoorStatus(signal?: AbortSignal): Promise<FrontDoorStatus> {
  const { data } = await requestJson<FrontDoorStatus>('/frontdoor/status', signal ? { signal } : {});
  return data;
}

export type ControlAction =
  | { kind: 'kill-region'; region: string }
  | { kind: 'start-region'; region: string }
  | { kind: 'cut-link' }
  | { kind: 'heal-link' };

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
  }
}

/** Local mode only: the front door stops/starts region processes and cuts/heals replication (202 Accepted). */
export async function sendControl(action: ControlAction, token: string | undefined): Promise<void> {
  await requestJson<unknown>(controlPath(action), { method: 'POST', token });
}

export async function listDemoUsers(signal?: AbortSignal): Promise<DemoUser[]> {
  const { data } = await requestJson<{ users: DemoUser[] }>('/auth/users', signal ? { signal } : {});
  return data.users;
}

/** Local demo sign-in (stands in for Cognito's hosted UI). */
export async function demoToken(user: string): Promise<string> {
  const { data } = await requestJson<{ token: string }>('/auth/token', { method: 'POST', body: { user } });
  return data.token;
}
