import { type IndexName, InvalidCursorError } from '@meridian/domain';
import { ATTR, indexKeyAttributes } from './table-layout';

/** Where a page of an index query stopped: the last item's index sort key and table key. */
export interface IndexPosition {
  indexSk: string;
  pk: string;
  sk: string;
}

/** Opaque to callers: base64url JSON, like the SQLite store's cursors (which carry no table `sk`). */
export function encodeIndexCursor(position: IndexPosition): string {
  return Buffer.from(JSON.stringify([position.indexSk, position.pk, position.sk])).toString('base64url');
}

export function decodeIndexCursor(cursor: string): IndexPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // DynamoDB rejects empty key strings, so an empty part can only be a forged cursor.
    if (
      Array.isArray(parsed) &&
      parsed.length === 3 &&
      parsed.every((part) => typeof part === 'string' && part !== '')
    ) {
      const [indexSk, pk, sk] = parsed as [string, string, string];
      return { indexSk, pk, sk };
    }
  } catch {
    // Fall through: any undecodable cursor is the caller's mistake.
  }
  throw new InvalidCursorError();
}

/** A GSI query's ExclusiveStartKey is the index key plus the table key of the last item returned. */
export function exclusiveStartKey(
  index: IndexName,
  indexPk: string,
  position: IndexPosition,
): Record<string, string> {
  const attrs = indexKeyAttributes(index);
  return {
    [ATTR.pk]: position.pk,
    [ATTR.sk]: position.sk,
    [attrs.pk]: indexPk,
    [attrs.sk]: position.indexSk,
  };
}

/** The position of an item read from the index (projection ALL, so its keys are all present). */
export function positionOf(index: IndexName, item: Record<string, unknown>): IndexPosition {
  const indexSk = item[indexKeyAttributes(index).sk];
  const { pk, sk } = item;
  if (typeof indexSk !== 'string' || typeof pk !== 'string' || typeof sk !== 'string') {
    throw new Error(`index ${index} returned an item without its keys`);
  }
  return { indexSk, pk, sk };
}
