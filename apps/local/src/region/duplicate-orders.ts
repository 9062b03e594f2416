import { type DomainContext, noteDuplicateKey } from '@meridian/domain';
import type { RegionLogger } from './region-options';

/**
 * What a region does when replication brings Idempotency-Key claims another region also accepted: it
 * notes each duplicate key, then asks the duplicate sweep to decide which order is kept. The sweep belongs
 * to the integrity loops, built after replication (they need its stock transfers), so it is attached once
 * they exist; keys noted before that are decided by the sweep's next periodic pass.
 */
export function duplicateOrderClaims(ctx: DomainContext, logger: Pick<RegionLogger, 'warn' | 'error'>) {
  let resolveNow: (() => Promise<unknown>) | undefined;
  return {
    attachSweep(sweep: () => Promise<unknown>): void {
      resolveNow = sweep;
    },
    async claimsArrived(keys: ReadonlyArray<{ customerId: string; key: string }>): Promise<void> {
      let noted = 0;
      for (const key of keys) if (await noteDuplicateKey(ctx, key)) noted++;
      if (noted === 0) return;
      logger.warn(
        'another region accepted an Idempotency-Key this region also accepted: deciding which order is kept',
        {
          keys: noted,
        },
      );
      // Decided off the replication path: the sweep may wait for the orders' outcomes.
      resolveNow?.().catch((error: unknown) =>
        logger.error('duplicate sweep failed', { error: String(error) }),
      );
    },
  };
}
