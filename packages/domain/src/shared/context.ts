import type { EventEnvelope } from '@meridian/contracts';
import { ConditionFailedError, type ItemStore } from '../store/item-store';
import { TransientError } from './errors';
import type { Clock, IdSource } from './ports';

/** What every use case receives: the region it runs in and its injected ports. */
export interface DomainContext {
  store: ItemStore;
  clock: Clock;
  ids: IdSource;
  /** The region this process serves (e.g. us-east-1). */
  region: string;
  /** All regions of the deployment, this one included; used to split stock. */
  regions: readonly string[];
  /** AWS account id in events; '000000000000' locally. */
  account: string;
}

export function nowIso(ctx: Pick<DomainContext, 'clock'>): string {
  return new Date(ctx.clock.now()).toISOString();
}

export function buildEvent(
  ctx: DomainContext,
  source: string,
  detailType: string,
  detail: Record<string, unknown>,
  resources: string[] = [],
): EventEnvelope {
  return {
    version: '0',
    id: ctx.ids.next(),
    'detail-type': detailType,
    source,
    account: ctx.account,
    time: nowIso(ctx),
    region: ctx.region,
    resources,
    detail,
  };
}

/**
 * Runs a read-modify-write that ends in a conditional write, again from the read when another writer
 * got there first. Persistent contention surfaces as TransientError, which the saga retries with backoff.
 */
export async function withConflictRetry<T>(operation: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      if (attempt >= attempts)
        throw new TransientError(`write conflict persisted after ${attempts} attempts`);
    }
  }
}
