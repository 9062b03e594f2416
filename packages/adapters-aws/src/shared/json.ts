export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Normalises a value exactly as the SQLite store's JSON column does (undefined fields dropped, dates as
 * ISO strings), so both runtimes read back the same value and the DocumentClient never sees undefined.
 */
export function asJsonMap<T extends object>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** Parses JSON that may be malformed (a DLQ body, a stored execution input): undefined instead of throwing. */
export function parseJsonOrUndefined(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
