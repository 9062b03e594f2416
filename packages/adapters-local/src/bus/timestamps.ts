/** RFC 3339 as EventBridge writes `time`; looser strings (e.g. "March 7") would make ranges ambiguous. */
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Epoch milliseconds of an RFC 3339 timestamp, or undefined when it is not one. */
export function parseTimestampMs(value: string): number | undefined {
  if (!RFC_3339.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function requireTimestampMs(value: string, field: string): number {
  const ms = parseTimestampMs(value);
  if (ms === undefined) throw new RangeError(`${field} must be an RFC 3339 timestamp, got '${value}'`);
  return ms;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
