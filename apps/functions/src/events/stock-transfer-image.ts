import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isStockTransferRecord, type StockTransfer, transferAddressedTo } from '@meridian/domain';
import { recordImage, sortKeyOf } from './record-image';

/**
 * The stock transfer a stream record's new image holds, when it is a transfer record addressed to
 * `region`; undefined for any other item, and for transfers to other regions (the sender's own stream
 * sees the record too, and its receiver credits it). Throws when a transfer record addressed to this
 * region is unreadable: units about to be lost for sale, to surface rather than skip.
 */
export function stockTransferFromImage(
  image: Readonly<Record<string, unknown>> | undefined,
  region: string,
): StockTransfer | undefined {
  const sk = sortKeyOf(image);
  if (!image || sk === undefined || !isStockTransferRecord({ sk })) return undefined;
  // Lambda delivers stream images as JSON (binaries as base64 text); a transfer record has no binaries.
  return transferAddressedTo(recordImage(unmarshall(image as Record<string, AttributeValue>)), region);
}
