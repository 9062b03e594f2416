import type { DomainContext } from '../shared/context';
import type { ItemWrite, StoredItem } from '../store/item-store';
import { keys, partitionPrefixes, sortKeys } from '../store/keys';
import {
  InvalidStoredRecordError,
  numberField,
  type RecordImage,
  stringField,
} from '../store/stored-records';
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

/**
 * A claim from its stored item; a record of the one-item shape (sk IDEMPOTENCY) is read as its region's
 * claim. Undefined for any other item of the partition and for a record that names no order.
 */
export function claimOf(item: StoredItem, customerId: string, key: string): IdempotencyClaim | undefined {
  const orderId = stringField(item.data, 'orderId');
  if (!orderId) return undefined;
  const region =
    claimRegionOf(item.sk) ??
    (item.sk === sortKeys.oneItemIdempotency ? regionOfOrderId(orderId) : undefined);
  if (!region) return undefined;
  const fingerprint = item.data.requestFingerprint;
  return {
    customerId,
    key,
    region,
    orderId,
    requestFingerprint: typeof fingerprint === 'string' ? fingerprint : String(fingerprint ?? ''),
    createdAt: typeof item.data.createdAt === 'string' ? item.data.createdAt : '1970-01-01T00:00:00.000Z',
    // A record without an expiry (older data) never expires.
    expiresAt: numberField(item.data, 'expiresAt') ?? Number.MAX_SAFE_INTEGER,
  };
}

/** The region a claim's sort key (`CLAIM#<region>`) names; undefined for any other sort key. */
export function claimRegionOf(sk: string): string | undefined {
  if (!sk.startsWith(sortKeys.idempotencyClaimPrefix)) return undefined;
  return sk.slice(sortKeys.idempotencyClaimPrefix.length) || undefined;
}

/**
 * The customer and key of another region's claim that an item holds, as it is written here or arrives
 * from a peer (replicated change, stream image). Undefined for any other item and for `region`'s own
 * claims. Throws InvalidStoredRecordError for a claim without them: a twin order this region would never
 * decide about.
 */
export function peerClaimOf(
  item: RecordImage,
  region: string,
): { customerId: string; key: string } | undefined {
  const claimRegion = claimRegionOf(item.sk);
  if (!claimRegion || claimRegion === region || !item.pk.startsWith(partitionPrefixes.idempotency))
    return undefined;
  const customerId = stringField(item.data, 'customerId');
  const key = stringField(item.data, 'key');
  if (!customerId || !key)
    throw new InvalidStoredRecordError(item.pk, item.sk, 'a claim names no customer or key');
  return { customerId, key };
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
