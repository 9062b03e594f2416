import { sortKeys } from '../store/keys';
import {
  InvalidStoredRecordError,
  numberField,
  type RecordImage,
  stringField,
} from '../store/stored-records';
import type { StockTransfer } from './stock-transfer';

/** Whether an item is a stock transfer record (`TRANSFER#<transferId>` in its SKU's partition). */
export function isStockTransferRecord(item: Pick<RecordImage, 'sk'>): boolean {
  return item.sk.startsWith(sortKeys.stockTransferPrefix);
}

/** A transfer record's data as a StockTransfer; throws InvalidStoredRecordError when it is not one. */
export function decodeStockTransfer(item: RecordImage): StockTransfer {
  const { data } = item;
  const quantity = numberField(data, 'quantity');
  const fields = {
    transferId: stringField(data, 'transferId'),
    sku: stringField(data, 'sku'),
    fromRegion: stringField(data, 'fromRegion'),
    toRegion: stringField(data, 'toRegion'),
    createdAt: typeof data.createdAt === 'string' ? data.createdAt : undefined,
  };
  const missing = Object.entries(fields)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (quantity === undefined || !Number.isSafeInteger(quantity) || quantity <= 0) missing.push('quantity');
  if (data.restock !== undefined && typeof data.restock !== 'string') missing.push('restock');
  if (missing.length > 0) {
    throw new InvalidStoredRecordError(item.pk, item.sk, `no valid stock transfer (${missing.join(', ')})`);
  }
  return {
    ...(data as Record<string, unknown>),
    ...(fields as Omit<StockTransfer, 'quantity' | 'restock'>),
    quantity: quantity as number,
  } as StockTransfer;
}

/**
 * The stock transfer an item holds when it is a transfer record addressed to `region`; undefined for any
 * other item and for transfers to other regions (the sender sees its own record too; its receiver
 * credits it). Throws InvalidStoredRecordError when a transfer record addressed to `region` is unreadable.
 */
export function transferAddressedTo(item: RecordImage, region: string): StockTransfer | undefined {
  if (!isStockTransferRecord(item) || item.data.toRegion !== region) return undefined;
  return decodeStockTransfer(item);
}
