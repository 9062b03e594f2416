import type { RegionTarget } from './health-checker';

/**
 * How the front door picks a region, like Route 53 routing policies: `failover` sends everything to the
 * primary while it is healthy; `home-region` sends each client to its home region (header
 * `x-meridian-home-region`, else the default) while it is healthy. Either way the others follow in order.
 */
export type RoutingPolicy =
  | { kind: 'failover'; primary: string }
  | { kind: 'home-region'; defaultRegion: string };

export const HOME_REGION_HEADER = 'x-meridian-home-region';

/** Regions to try for one request, best first: healthy ones in policy order, then the unhealthy as a last resort. */
export function candidateRegions(
  regions: readonly RegionTarget[],
  policy: RoutingPolicy,
  isHealthy: (name: string) => boolean,
  homeRegionHeader?: string,
): RegionTarget[] {
  const first =
    policy.kind === 'failover'
      ? policy.primary
      : regions.some((region) => region.name === homeRegionHeader)
        ? (homeRegionHeader as string)
        : policy.defaultRegion;
  const ordered = [...regions].sort((a, b) => Number(b.name === first) - Number(a.name === first));
  return [
    ...ordered.filter((region) => isHealthy(region.name)),
    ...ordered.filter((region) => !isHealthy(region.name)),
  ];
}

/**
 * The region new requests go to now: the first healthy one in policy order, or none when no region is
 * healthy. (A request still tries the unhealthy ones as a last resort, but none of them "serves".)
 */
export function servingRegion(
  regions: readonly RegionTarget[],
  policy: RoutingPolicy,
  isHealthy: (name: string) => boolean,
): RegionTarget | undefined {
  return candidateRegions(regions, policy, isHealthy).find((region) => isHealthy(region.name));
}

/** GET/HEAD/OPTIONS are safe to repeat anywhere; a POST only when an Idempotency-Key makes the repeat harmless. */
export function isRetryable(method: string, hasHeader: (lowerCaseName: string) => boolean): boolean {
  if (['GET', 'HEAD', 'OPTIONS'].includes(method)) return true;
  return method === 'POST' && hasHeader('idempotency-key');
}
