import {
  type IndexCursorQuery,
  type IndexName,
  type IndexPosition,
  InvalidCursorError,
  indexCursor,
} from '@meridian/domain';
import { ATTR, indexKeyAttributes } from './table-layout';

export type { IndexPosition };

/** Opaque to callers: the encoding every ItemStore shares (see `indexCursor` in the domain). */
export function encodeIndexCursor(query: IndexCursorQuery, position: IndexPosition): string {
  return indexCursor.encode(query, position);
}

export function decodeIndexCursor(query: IndexCursorQuery, cursor: string): IndexPosition {
  const position = indexCursor.decode(query, cursor);
  // DynamoDB rejects empty key strings, so an empty part can only be a forged cursor.
  if (position.indexSk === '' || position.pk === '' || position.sk === '') throw new InvalidCursorError();
  return position;
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
