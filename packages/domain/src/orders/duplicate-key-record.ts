import type { StoredItem } from '../store/item-store';
import { InvalidStoredRecordError, numberField, stringField } from '../store/stored-records';

/** A region's stored work on a contested key; throws InvalidStoredRecordError for any other shape. */
export function decodeDuplicateKeyWork(item: StoredItem): DuplicateKeyWork {
  const { data } = item;
  const status = data.status === 'OPEN' || data.status === 'RESOLVED' ? data.status : undefined;
  const orderIds =
    Array.isArray(data.orderIds) && data.orderIds.every((id) => typeof id === 'string')
      ? (data.orderIds as string[])
      : undefined;
  const work = {
    customerId: stringField(data, 'customerId'),
    key: stringField(data, 'key'),
    region: stringField(data, 'region'),
    status,
    orderIds,
    checks: numberField(data, 'checks'),
    dueAt: stringField(data, 'dueAt'),
  };
  const missing = Object.entries(work)
    .filter(([, value]) => value === undefined)
    .map(([name]) => name);
  if (data.reason !== undefined && typeof data.reason !== 'string') missing.push('reason');
  if (missing.length > 0) {
    throw new InvalidStoredRecordError(
      item.pk,
      item.sk,
      `no valid duplicate-key work (${missing.join(', ')})`,
    );
  }
  return {
    ...(work as Omit<DuplicateKeyWork, 'reason'>),
    ...(typeof data.reason === 'string' ? { reason: data.reason } : {}),
  };
}

/** A region's open work on a key several regions claimed; in the due index until resolved. */
export interface DuplicateKeyWork {
  customerId: string;
  key: string;
  region: string;
  status: 'OPEN' | 'RESOLVED';
  /** The orders of the claims it was opened for (a new twin opens it again). */
  orderIds: string[];
  checks: number;
  dueAt: string;
  reason?: string;
}
