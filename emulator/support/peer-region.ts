import { DynamoDbItemStore } from '@meridian/adapters-aws';
import { UlidSource } from '@meridian/adapters-local/ids';
import type { DomainContext } from '@meridian/domain';
import type { EmulatedRegion } from './emulated-region';
import { EMULATED_ACCOUNT, EMULATED_REGION } from './synthesize-region';

/**
 * A peer region writing into the emulated region's table, as the global table's replication brings its
 * items in (moto has one table for all regions): the peer's own store, stamping its region on what it
 * writes (`writerRegion`, the outbox rows' `originRegion`).
 */
export function peerContext(region: EmulatedRegion, peerRegion: string): DomainContext {
  const clock = { now: () => Date.now() };
  return {
    store: new DynamoDbItemStore({
      client: region.clients.documents,
      tableName: region.table.tableName,
      region: peerRegion,
      clock,
    }),
    clock,
    ids: new UlidSource(clock),
    region: peerRegion,
    regions: [EMULATED_REGION, peerRegion],
    account: EMULATED_ACCOUNT,
  };
}
