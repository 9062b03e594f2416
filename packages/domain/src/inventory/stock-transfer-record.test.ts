import { describe, expect, it } from 'vitest';
import { InvalidStoredRecordError } from '../store/stored-records';
import type { StockTransfer } from './stock-transfer';
import { transferAddressedTo } from './stock-transfer-record';

const transfer: StockTransfer = {
  transferId: 'T-1',
  sku: 'SKU-1',
  fromRegion: 'us-east-1',
  toRegion: 'eu-west-1',
  quantity: 4,
  createdAt: '2025-01-01T00:00:00.000Z',
};
const record = (data: Record<string, unknown>, sk = 'TRANSFER#T-1') => ({ pk: 'STOCK#SKU-1', sk, data });

describe('transferAddressedTo', () => {
  it('reads a transfer record addressed to the region, with the restock it belongs to', () => {
    expect(transferAddressedTo(record({ ...transfer }), 'eu-west-1')).toEqual(transfer);
    expect(transferAddressedTo(record({ ...transfer, restock: 'r-1' }), 'eu-west-1')).toEqual({
      ...transfer,
      restock: 'r-1',
    });
  });

  it('ignores transfers to other regions and other items of the partition', () => {
    expect(transferAddressedTo(record({ ...transfer }), 'us-east-1')).toBeUndefined();
    expect(transferAddressedTo(record({ ...transfer }, 'CREDIT#T-1'), 'eu-west-1')).toBeUndefined();
  });

  it('refuses a transfer addressed to the region that it cannot read, naming what is wrong', () => {
    expect(() => transferAddressedTo(record({ ...transfer, quantity: 'five' }), 'eu-west-1')).toThrow(
      InvalidStoredRecordError,
    );
    expect(() => transferAddressedTo(record({ ...transfer, quantity: 0, sku: 3 }), 'eu-west-1')).toThrow(
      'STOCK#SKU-1 TRANSFER#T-1: no valid stock transfer (sku, quantity)',
    );
  });
});
