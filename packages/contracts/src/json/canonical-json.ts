/**
 * Canonical JSON: what `JSON.stringify` writes, with every object's keys sorted by UTF-16 code unit (the
 * order of RFC 8785), so two values that are equal as JSON give the same text whatever order their keys
 * were written in. Request fingerprints (idempotency keys) and workflow execution inputs are compared
 * by this text, also across restarts, so it must never change for a value JSON can carry.
 *
 * `undefined` is treated as `JSON.stringify` treats it, and as a body parsed from JSON never has it: an
 * object member whose value is `undefined` (or a function, or a symbol) is left out, an array element
 * becomes `null`, and a value that is itself `undefined` has no JSON form (a TypeError). `toJSON` is
 * honoured (a Date becomes its ISO string).
 */
export function canonicalJson(value: unknown): string {
  const json = encode(value);
  if (json === undefined)
    throw new TypeError('canonicalJson: the value has no JSON form (undefined, a function or a symbol)');
  return json;
}

function encode(input: unknown): string | undefined {
  const value = hasToJson(input) ? input.toJSON() : input;
  if (Array.isArray(value)) return `[${value.map((item: unknown) => encode(item) ?? 'null').join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // The default sort compares UTF-16 code units: "10" before "2", "B" before "a".
    const members = Object.keys(record)
      .sort()
      .flatMap((key) => {
        const member = encode(record[key]);
        return member === undefined ? [] : [`${JSON.stringify(key)}:${member}`];
      });
    return `{${members.join(',')}}`;
  }
  // Primitives as JSON writes them; undefined, functions and symbols have no JSON text.
  return JSON.stringify(value) as string | undefined;
}

function hasToJson(value: unknown): value is { toJSON(): unknown } {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  );
}
