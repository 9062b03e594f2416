import { InvalidCursorError } from './errors';

/** Opaque keyset cursors: the listing kind plus the sort key of the last item returned. */
export function encodeCursor(kind: string, key: readonly number[]): string {
  return Buffer.from(`${kind}:${key.join(':')}`, 'utf8').toString('base64url');
}

export function decodeCursor(kind: string, cursor: string, arity: number): number[] {
  const [decodedKind, ...parts] = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const key = parts.map((part) => (/^-?\d+$/.test(part) ? Number(part) : Number.NaN));
  if (decodedKind !== kind || key.length !== arity || !key.every(Number.isSafeInteger)) {
    throw new InvalidCursorError(cursor);
  }
  return key;
}

/** Listing limits are validated rather than clamped so a caller's paging bug shows up at once. */
export function assertLimit(limit: number, max = 1000): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new RangeError(`limit must be an integer between 1 and ${max}, got ${limit}`);
  }
}
