import { regionKeyHeaders, startPlatform as startLocalPlatform } from '@meridian/local/platform';

export interface RunningPlatform {
  url: string;
  dataDir: string;
  env: Record<string, string>;
  /** An admin's Authorization header (the control server and the front door's status need it). */
  admin: Record<string, string>;
  /** The Authorization header the regions' /internal routes need. */
  internal: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The platform for a benchmark: the shared starter on fixed ports from `port` (front door), so runs
 * compare on the same ones (regions from port + 1, the payment simulator on + 10, the control server on
 * + 11), with a throwaway data directory. Until `stop()`, Ctrl-C and the like stop the platform first.
 */
export async function startPlatform(
  port: number,
  extraEnv: Record<string, string> = {},
): Promise<RunningPlatform> {
  const platform = await startLocalPlatform({
    ports: { frontDoor: port, regionBase: port + 1, payments: port + 10, control: port + 11 },
    env: {
      // One load tool sends everything from one address as one customer: the front door's per-client
      // limits, made for people and scripts, would measure themselves instead of the platform.
      MERIDIAN_RATE_LIMIT_PER_ADDRESS: '1000000',
      MERIDIAN_RATE_LIMIT_PER_PRINCIPAL: '1000000',
      ...extraEnv,
    },
    dataDirPrefix: 'meridian-bench-',
    stopOnSignals: true,
    echoErrors: true,
  });
  return {
    url: platform.urls.frontDoor,
    dataDir: platform.dataDir,
    env: platform.settings,
    admin: { authorization: `Bearer ${platform.credentials.adminToken}` },
    internal: regionKeyHeaders(platform.credentials.regionKey),
    stop: platform.stop,
  };
}
