import type { DomainContext } from '../shared/context';
import type { ItemWrite, StoredItem } from '../store/item-store';
import { keys } from '../store/keys';
import { asEntity } from '../store/repositories';
import { regionOfOrderId } from './order';

/**
 * Idempotency records live a day, like Stripe's: after that the key is free again. DynamoDB's TTL removes
 * expired claims eventually; until then (and in SQLite, which never removes them) they count as absent.
 */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * A region's claim on a customer's Idempotency-Key: the order it placed for it. Each region writes only
 * its own claim; all claims on one key share a partition, so a region sees the others' as they
 * replicate. Two claims whose lifetimes overlap mean two regions accepted one request (a retry reached a
 * second region before the first one's claim replicated): see duplicate-orders.ts.
 */
export interface IdempotencyClaim {
  customerId: string;
  key: string;
  region: string;
  orderId: string;
  /** A hash of the request body: the same key with another body is refused. */
  requestFingerprint: string;
  createdAt: string;
  /** Seconds since the epoch: the DynamoDB store copies it to the table's TTL attribute. */
  expiresAt: number;
}

/** A stored claim with the version its next write must expect. */
export interface StoredClaim {
  claim: IdempotencyClaim;
  version: number;
}

export function newClaim(
  ctx: Pick<DomainContext, 'clock' | 'region'>,
  fields: Pick<IdempotencyClaim, 'customerId' | 'key' | 'orderId' | 'requestFingerprint' | 'createdAt'>,
): IdempotencyClaim {
  return {
    ...fields,
    region: ctx.region,
    expiresAt: Math.floor(ctx.clock.now() / 1000) + IDEMPOTENCY_TTL_SECONDS,
  };
}

export function claimWrite(claim: IdempotencyClaim, expect: ItemWrite['expect']): ItemWrite {
  return { ...keys.idempotencyClaim(claim.customerId, claim.key, claim.region), data: { ...claim }, expect };
}

/** Every region's claim on the key, expired ones included (records of the older one-item shape too). */
export async function loadClaims(
  ctx: Pick<DomainContext, 'store'>,
  customerId: string,
  key: string,
): Promise<StoredClaim[]> {
  const items = await ctx.store.queryPartition(keys.idempotencyPartition(customerId, key));
  return items.flatMap((item) => {
    const claim = claimOf(item, customerId, key);
    return claim ? [{ claim, version: item.version }] : [];
  });
}

/** A claim from its stored item; a record of the one-item shape (sk IDEMPOTENCY) is read as its region's claim. */
export function claimOf(item: StoredItem, customerId: string, key: string): IdempotencyClaim | undefined {
  if (!item.sk.startsWith('CLAIM#') && item.sk !== 'IDEMPOTENCY') return undefined;
  const data = asEntity<Partial<IdempotencyClaim>>(item.data);
  if (typeof data.orderId !== 'string') return undefined;
  const region = item.sk.startsWith('CLAIM#')
    ? item.sk.slice('CLAIM#'.length)
    : regionOfOrderId(data.orderId);
  if (!region) return undefined;
  return {
    customerId,
    key,
    region,
    orderId: data.orderId,
    requestFingerprint: String(data.requestFingerprint ?? ''),
    createdAt: typeof data.createdAt === 'string' ? data.createdAt : '1970-01-01T00:00:00.000Z',
    // A record without an expiry (older data) never expires.
    expiresAt: typeof data.expiresAt === 'number' ? data.expiresAt : Number.MAX_SAFE_INTEGER,
  };
}

export function isLive(claim: IdempotencyClaim, nowMs: number): boolean {
  return claim.expiresAt * 1000 > nowMs;
}

/**
 * Whether two claims took one key at once: each was made before the other expired. A claim made after
 * the other had expired is a new use of the key, and both orders stand.
 */
export function claimsOverlap(a: IdempotencyClaim, b: IdempotencyClaim): boolean {
  return Date.parse(a.createdAt) < b.expiresAt * 1000 && Date.parse(b.createdAt) < a.expiresAt * 1000;
}

/** Orders by age: the earlier order first (then by id), the same in every region. */
export function compareOrderAge(
  a: { createdAt: string; orderId: string },
  b: { createdAt: string; orderId: string },
): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0;
}
