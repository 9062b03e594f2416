/**
 * Writes the web app's `/config.json` on AWS: Cognito hosted-UI sign-in for the user pool's web client
 * (apps/web/src/auth/runtime-config.ts reads it; without it the app offers local mode's demo sign-in).
 * The pipeline's PublishWeb step runs it with `node --experimental-strip-types` and no npm install, so
 * it uses only Node built-ins and erasable TypeScript.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the hosted UI sends the browser back (the web app's route; a registered callback URL). */
export const SIGN_IN_CALLBACK_PATH = '/sign-in/callback';
/** Where the hosted UI's sign-out returns (a registered sign-out URL). */
export const SIGN_OUT_PATH = '/';

export interface WebConfigInput {
  /** `https://<host>` the storefront is served from (CloudFront, or the configured domain). */
  readonly webUrl: string;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`: the hosted UI. */
  readonly signInUrl: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  readonly identityRegion: string;
}

export class WebConfigError extends Error {
  constructor(detail: string) {
    super(`cannot write the web config: ${detail}`);
    this.name = 'WebConfigError';
  }
}

function httpsOrigin(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WebConfigError(`${name} is not a URL: ${value}`);
  }
  if (url.protocol !== 'https:' || url.pathname !== '/' || url.search || url.hash) {
    throw new WebConfigError(`${name} must be an https origin without a path: ${value}`);
  }
  return url.origin;
}

export function webConfig(input: WebConfigInput): Record<string, unknown> {
  const webUrl = httpsOrigin('the web URL', input.webUrl);
  for (const [name, value] of Object.entries(input)) {
    if (!value) throw new WebConfigError(`${name} is empty`);
  }
  return {
    auth: {
      kind: 'cognito',
      domain: httpsOrigin('the sign-in URL', input.signInUrl),
      clientId: input.userPoolClientId,
      redirectUri: `${webUrl}${SIGN_IN_CALLBACK_PATH}`,
      userPoolId: input.userPoolId,
      region: input.identityRegion,
    },
    // The app calls /api/v1 on its own origin, which CloudFront sends to the API.
    apiUrl: `${webUrl}/api/v1`,
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new WebConfigError(`${name} is not set`);
  return value;
}

const invokedDirectly =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  try {
    const target = process.argv[2];
    if (!target) throw new WebConfigError('usage: web-config.ts <output file>');
    const config = webConfig({
      webUrl: required('WEB_URL'),
      signInUrl: required('SIGN_IN_URL'),
      userPoolId: required('USER_POOL_ID'),
      userPoolClientId: required('USER_POOL_CLIENT_ID'),
      identityRegion: required('IDENTITY_REGION'),
    });
    writeFileSync(target, `${JSON.stringify(config, null, 2)}\n`);
    console.log(`wrote ${target}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
