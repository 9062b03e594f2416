import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';

/** Sort-key prefix of a region's claim on an Idempotency-Key (packages/domain orders/idempotency-claims.ts). */
export const CLAIM_SK_PREFIX = 'CLAIM#';

const claimSchema = z.object({
  customerId: z.string().min(1),
  key: z.string().min(1),
  region: z.string().min(1),
});

/**
 * The customer and key of another region's claim on an Idempotency-Key that a stream record's new image
 * holds (the global table replicates it here); undefined for any other item and for this region's own
 * claims. Throws when such a claim is unreadable: a twin order this region would never decide about.
 */
export function peerClaimFromImage(
  image: Readonly<Record<string, unknown>> | undefined,
  region: string,
): { customerId: string; key: string } | undefined {
  if (!image) return undefined;
  const sk = image.sk as { S?: unknown } | undefined;
  if (typeof sk?.S !== 'string' || !sk.S.startsWith(CLAIM_SK_PREFIX)) return undefined;
  if (sk.S === `${CLAIM_SK_PREFIX}${region}`) return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  const { customerId, key } = claimSchema.parse(item.data);
  return { customerId, key };
}
