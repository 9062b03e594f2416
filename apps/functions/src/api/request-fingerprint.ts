import { createHash } from 'node:crypto';
import { canonicalJson } from '@meridian/contracts';

/** A stable hash of a JSON value: object keys sorted, so formatting and key order do not matter. */
export function requestFingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}
