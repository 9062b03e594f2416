import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { StockTransfer } from '@meridian/domain';
import * as z from 'zod';

/** Sort-key prefix of the stock transfer records (packages/domain inventory/stock-transfer.ts). */
export const TRANSFER_SK_PREFIX = 'TRANSFER#';

const transferSchema = z
  .object({
    transferId: z.string().min(1),
    sku: z.string().min(1),
    fromRegion: z.string().min(1),
    toRegion: z.string().min(1),
    quantity: z.number().int().positive(),
    createdAt: z.string(),
    restock: z.string().optional(),
  })
  .passthrough();

/**
 * The stock transfer a stream record's new image holds, when it is a `TRANSFER#` record addressed to
 * `region`; undefined for any other item, and for transfers to other regions (the sender's own stream
 * sees the record too, and its receiver credits it). Throws when a transfer record addressed to this
 * region is unreadable: units about to be lost for sale, to surface rather than skip.
 */
export function stockTransferFromImage(
  image: Readonly<Record<string, unknown>> | undefined,
  region: string,
): StockTransfer | undefined {
  if (!image) return undefined;
  const sk = image.sk as { S?: unknown } | undefined;
  if (typeof sk?.S !== 'string' || !sk.S.startsWith(TRANSFER_SK_PREFIX)) return undefined;
  // Lambda delivers stream images as JSON (binaries as base64 text); a transfer record has no binaries.
  const item = unmarshall(image as Record<string, AttributeValue>);
  const data = item.data as { toRegion?: unknown } | undefined;
  if (data?.toRegion !== region) return undefined;
  return transferSchema.parse(data) as StockTransfer;
}
