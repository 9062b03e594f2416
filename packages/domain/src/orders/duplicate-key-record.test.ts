import { describe, expect, it } from 'vitest';
import { InvalidStoredRecordError } from '../store/stored-records';
import { type DuplicateKeyWork, decodeDuplicateKeyWork } from './duplicate-key-record';

const work: DuplicateKeyWork = {
  customerId: 'alice',
  key: 'k-1',
  region: 'us-east-1',
  status: 'OPEN',
  orderIds: ['ord_A_eu-west-1', 'ord_B_us-east-1'],
  checks: 2,
  dueAt: '2025-01-01T00:00:00.000Z',
  reason: 'the newer order may still succeed',
};
const item = (data: Record<string, unknown>) => ({
  pk: 'DUPLICATE#alice#k-1',
  sk: 'DUPLICATE#us-east-1',
  data,
  version: 3,
});

describe('decodeDuplicateKeyWork', () => {
  it('reads the work as it was written, with or without a reason', () => {
    const { reason: _reason, ...withoutReason } = work;
    expect(decodeDuplicateKeyWork(item({ ...work }))).toEqual(work);
    expect(decodeDuplicateKeyWork(item({ ...withoutReason }))).toEqual(withoutReason);
  });

  it('refuses a record of another shape, naming what is wrong', () => {
    expect(() => decodeDuplicateKeyWork(item({ ...work, status: 'DONE' }))).toThrow(InvalidStoredRecordError);
    expect(() => decodeDuplicateKeyWork(item({ ...work, orderIds: [1], checks: '2' }))).toThrow(
      'DUPLICATE#alice#k-1 DUPLICATE#us-east-1: no valid duplicate-key work (orderIds, checks)',
    );
  });
});
