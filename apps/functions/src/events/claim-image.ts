import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { claimRegionOf, peerClaimOf } from '@meridian/domain';
import { recordImage, sortKeyOf } from './record-image';

/**
 * The customer and key of another region's claim on an Idempotency-Key that a stream record's new image
 * holds (the global table replicates it here); undefined for any other item and for this region's own
 * claims. Throws when such a claim is unreadable: a twin order this region would never decide about.
 */
export function peerClaimFromImage(
  image: Readonly<Record<string, unknown>> | undefined,
  region: string,
): { customerId: string; key: string } | undefined {
  // Most records are not claims: look at the sort key before unmarshalling the whole image.
  const sk = sortKeyOf(image);
  if (!image || sk === undefined || claimRegionOf(sk) === undefined) return undefined;
  return peerClaimOf(recordImage(unmarshall(image as Record<string, AttributeValue>)), region);
}
