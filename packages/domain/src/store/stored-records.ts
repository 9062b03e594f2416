/**
 * A stored item that must hold a record of a known shape does not: surfaced (logged, retried) rather than
 * skipped, since skipping would lose what the record stands for (units for sale, a twin order to decide).
 */
export class InvalidStoredRecordError extends Error {
  constructor(
    readonly pk: string,
    readonly sk: string,
    problem: string,
  ) {
    super(`${pk} ${sk}: ${problem}`);
    this.name = 'InvalidStoredRecordError';
  }
}

/** What the decoders read: an item's key and its data, from the store, a stream image or a peer's change. */
export interface RecordImage {
  pk: string;
  sk: string;
  data: Readonly<Record<string, unknown>>;
}

/** A non-empty string field, or undefined. */
export function stringField(data: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = data[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A finite number field, or undefined. */
export function numberField(data: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const value = data[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
