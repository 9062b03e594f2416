import { execFileSync } from 'node:child_process';
import { REPO_ROOT, startPlatform as startLocalPlatform } from '@meridian/local/platform';

export interface Platform {
  url: string;
  dataDir: string;
  output: () => string;
  /** The one-time admin sign-in link the launcher printed (good for one browser sign-in). */
  adminSignInLink: () => string;
  /** Another one-time admin sign-in link, as `npm run -s meridian -- sign-in-link` prints it. */
  newAdminSignInLink: () => string;
  stop: () => Promise<void>;
}

/** The platform for browser tests: the shared starter on free ports, with a throwaway data directory. */
export async function startPlatform(
  options: { regions?: readonly string[]; env?: Record<string, string> } = {},
): Promise<Platform> {
  const platform = await startLocalPlatform({
    regions: options.regions ?? ['us-east-1'],
    ...(options.env ? { env: options.env } : {}),
    dataDirPrefix: 'meridian-web-e2e-',
  });
  const output = platform.startupOutput;
  return {
    // The name the launcher's sign-in links use, so the browser's origin is the one they sign in to.
    url: platform.urls.public,
    dataDir: platform.dataDir,
    output: () => output,
    newAdminSignInLink: () =>
      execFileSync(process.execPath, ['--import', 'tsx', 'apps/local/src/cli/meridian.ts', 'sign-in-link'], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...platform.settings },
        encoding: 'utf8',
      }).trim(),
    adminSignInLink: () => {
      const link = /^\s+admin\s+(http\S+#code=\S+)$/m.exec(output)?.[1];
      if (!link) throw new Error(`the launcher printed no admin sign-in link:\n${output}`);
      return link;
    },
    stop: platform.stop,
  };
}
