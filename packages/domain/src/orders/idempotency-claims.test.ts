import { describe, expect, it } from 'vitest';
import { InvalidStoredRecordError } from '../store/stored-records';
import { claimOf, claimRegionOf, claimWrite, type IdempotencyClaim, peerClaimOf } from './idempotency-claims';

const claim: IdempotencyClaim = {
  customerId: 'alice',
  key: 'k-1',
  region: 'us-east-1',
  orderId: 'ord_01_us-east-1',
  requestFingerprint: 'f',
  createdAt: '2025-01-01T00:00:00.000Z',
  expiresAt: 1_735_776_000,
};
const stored = (write: { pk: string; sk: string; data: Record<string, unknown> }) => ({
  ...write,
  version: 1,
});

describe('claimOf: a claim from its stored item', () => {
  it('reads a region claim as it was written', () => {
    expect(claimOf(stored(claimWrite(claim, 'absent')), 'alice', 'k-1')).toEqual(claim);
  });

  it('reads the one-item record as the claim of the region its order names, never expiring without an expiry', () => {
    const item = stored({
      pk: 'IDEMPOTENCY#alice#k-1',
      sk: 'IDEMPOTENCY',
      data: { orderId: 'ord_01_eu-west-1', requestFingerprint: 'f', createdAt: claim.createdAt },
    });

    expect(claimOf(item, 'alice', 'k-1')).toMatchObject({
      region: 'eu-west-1',
      orderId: 'ord_01_eu-west-1',
      expiresAt: Number.MAX_SAFE_INTEGER,
    });
  });

  it('reads nothing from a record that names no order, or from another item of the partition', () => {
    const write = claimWrite(claim, 'absent');
    expect(
      claimOf(stored({ ...write, data: { ...write.data, orderId: 7 } }), 'alice', 'k-1'),
    ).toBeUndefined();
    expect(claimOf(stored({ ...write, sk: 'NOTE' }), 'alice', 'k-1')).toBeUndefined();
    expect(claimOf(stored({ ...write, sk: 'CLAIM#' }), 'alice', 'k-1')).toBeUndefined();
  });

  it('replaces an expiry of the wrong type by "never", a creation time of the wrong type by the epoch', () => {
    const write = claimWrite(claim, 'absent');
    const item = stored({ ...write, data: { ...write.data, expiresAt: '1735776000', createdAt: 5 } });

    expect(claimOf(item, 'alice', 'k-1')).toMatchObject({
      expiresAt: Number.MAX_SAFE_INTEGER,
      createdAt: '1970-01-01T00:00:00.000Z',
    });
  });
});

describe('peerClaimOf: another region claimed a key', () => {
  it("names the customer and key of another region's claim", () => {
    expect(peerClaimOf(claimWrite(claim, 'absent'), 'eu-west-1')).toEqual({
      customerId: 'alice',
      key: 'k-1',
    });
  });

  it("ignores the region's own claim, the one-item record and items outside the key's partition", () => {
    const write = claimWrite(claim, 'absent');
    expect(peerClaimOf(write, 'us-east-1')).toBeUndefined();
    expect(peerClaimOf({ ...write, sk: 'IDEMPOTENCY' }, 'eu-west-1')).toBeUndefined();
    expect(peerClaimOf({ ...write, pk: 'STOCK#SKU-1' }, 'eu-west-1')).toBeUndefined();
  });

  it('refuses a claim that names no customer or key', () => {
    const write = claimWrite(claim, 'absent');
    expect(() => peerClaimOf({ ...write, data: { key: 1 } }, 'eu-west-1')).toThrow(InvalidStoredRecordError);
    expect(() => peerClaimOf({ ...write, data: { customerId: 'alice', key: '' } }, 'eu-west-1')).toThrow(
      /names no customer or key/,
    );
  });
});

it('claimRegionOf reads the region from a claim sort key only', () => {
  expect([claimRegionOf('CLAIM#eu-west-1'), claimRegionOf('CLAIM#'), claimRegionOf('IDEMPOTENCY')]).toEqual([
    'eu-west-1',
    undefined,
    undefined,
  ]);
});
