import { type RunningPlatform, startPlatform as startLocalPlatform } from '@meridian/local/platform';
import * as z from 'zod';
import { HttpError, postJson } from './http';

export type { PlatformCredentials, PlatformUrls, RunningPlatform } from '@meridian/local/platform';
export { REPO_ROOT } from '@meridian/local/platform';

/**
 * The platform for a chaos run: the shared starter on free ports and a temporary data directory that is
 * kept (the verifier reads its stores, the report points at its launcher log).
 */
export function startPlatform(
  regions: readonly string[],
  /** More MERIDIAN_* settings (tests shorten health checks or lower limits); the ports are always picked here. */
  extraEnv: Record<string, string> = {},
): Promise<RunningPlatform> {
  return startLocalPlatform({
    regions,
    env: {
      ...extraEnv,
      // Pinned, so that settings exported in the caller's shell cannot change which region serves.
      MERIDIAN_ROUTING: 'failover',
      MERIDIAN_PRIMARY_REGION: regions[0] ?? 'us-east-1',
    },
    dataDirPrefix: 'meridian-chaos-',
    keepDataDir: true,
  });
}

const tokenSchema = z.object({ token: z.string() });

/** A demo customer's bearer token from the front door's sign-in (the local stand-in for Cognito). */
export async function signIn(frontDoor: string, user: string): Promise<string> {
  const response = await postJson(`${frontDoor}/auth/token`, { user });
  if (response.status !== 200) throw new HttpError(`${frontDoor}/auth/token`, response.status, response.text);
  return tokenSchema.parse(JSON.parse(response.text)).token;
}
