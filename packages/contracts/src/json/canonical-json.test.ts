import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

/** The same members in reverse order, all the way down. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, member]) => [key, reversedKeys(member)]),
    );
  return value;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth by UTF-16 code unit and writes no spaces', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 0, y: 'é' }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":"é","z":0}]},"b":1}',
    );
    // Code-unit order, not numeric or locale order: "10" before "2", "B" before "a".
    expect(canonicalJson({ 2: 'two', 10: 'ten', a: 1, B: 2 })).toBe('{"10":"ten","2":"two","B":2,"a":1}');
  });

  it('writes what JSON.parse reads back as the same value, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reversedKeys(value))).toBe(text);
      }),
    );
  });

  it('leaves out object members that are undefined, as a parsed body never has them', () => {
    expect(canonicalJson({ a: 1, note: undefined, nested: { x: undefined } })).toBe('{"a":1,"nested":{}}');
    expect(canonicalJson({ a: 1, note: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it('writes undefined array elements as null, as JSON.stringify does', () => {
    expect(canonicalJson([1, undefined, 3])).toBe('[1,null,3]');
  });

  it('refuses a value with no JSON form', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
  });

  it('honours toJSON, so a date is its ISO string', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 0, 2)) })).toBe('{"at":"2026-01-02T00:00:00.000Z"}');
  });

  it('keeps the text stored fingerprints were made from', () => {
    const body = JSON.parse(
      '{"amountMinor":1999,"currency":"EUR","orderId":"01J0ABC","paymentMethod":"pm_card_visa","metadata":{"b":1,"a":[true,null,"x\\u2028"]}}',
    );
    expect(canonicalJson(body)).toBe(
      '{"amountMinor":1999,"currency":"EUR","metadata":{"a":[true,null,"x\u2028"],"b":1},"orderId":"01J0ABC","paymentMethod":"pm_card_visa"}',
    );
  });
});
