import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError } from './errors';
import { assertValidEventPattern, compileEventPattern, matchesEventPattern } from './event-pattern';

const event = {
  version: '0',
  id: 'evt-1',
  'detail-type': 'OrderPlaced',
  source: 'meridian.orders',
  account: '000000000000',
  time: '2024-05-01T10:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:order/o-1', 'arn:customer/c-9'],
  detail: {
    orderId: 'o-1',
    status: 'PENDING',
    totalMinor: 2500,
    ratio: 0.5,
    express: true,
    coupon: null,
    note: '',
    fileName: 'Invoice.PNG',
    sourceIp: '10.0.0.33',
    glob: 'lib/*.so',
    customer: { id: 'c-9', tier: 'gold', address: { country: 'FR' } },
    lines: [
      { sku: 'sku-1', quantity: 2 },
      { sku: 'sku-2', quantity: 5 },
    ],
    tags: ['gift', 'priority'],
    empty: [],
  },
};

type Case = [name: string, pattern: object, expected: boolean];

const cases: Case[] = [
  // exact values, AND across fields, OR within a list
  ['exact string', { source: ['meridian.orders'] }, true],
  ['exact string mismatch', { source: ['meridian.catalog'] }, false],
  ['OR within the list', { source: ['x', 'meridian.orders'] }, true],
  ['AND across fields, one failing', { source: ['meridian.orders'], region: ['us-east-1'] }, false],
  ['case-sensitive exact match', { source: ['Meridian.Orders'] }, false],
  ['exact number', { detail: { totalMinor: [2500] } }, true],
  ['number equal after JSON parsing', { detail: { totalMinor: [2500.0] } }, true],
  ['number does not match its string form', { detail: { totalMinor: ['2500'] } }, false],
  ['boolean', { detail: { express: [true] } }, true],
  ['boolean mismatch', { detail: { express: [false] } }, false],
  ['null matches null', { detail: { coupon: [null] } }, true],
  ['null does not match a missing field', { detail: { missing: [null] } }, false],
  ['empty string matches empty string', { detail: { note: [''] } }, true],
  ['empty string does not match null', { detail: { coupon: [''] } }, false],
  // nesting
  ['nested object', { detail: { customer: { address: { country: ['FR'] } } } }, true],
  ['nested object mismatch', { detail: { customer: { address: { country: ['DE'] } } } }, false],
  ['pattern deeper than the event', { detail: { status: { code: ['PENDING'] } } }, false],
  ['leaf pattern on an object value', { detail: { customer: ['c-9'] } }, false],
  // arrays in events
  ['event array: any element matches', { resources: ['arn:customer/c-9'] }, true],
  ['event array: no element matches', { resources: ['arn:order/o-2'] }, false],
  ['array of objects: one element matches', { detail: { lines: { sku: ['sku-2'] } } }, true],
  [
    'array of objects: fields come from one element only',
    { detail: { lines: { sku: ['sku-1'], quantity: [5] } } },
    false,
  ],
  [
    'array of objects: both fields in one element',
    { detail: { lines: { sku: ['sku-2'], quantity: [5] } } },
    true,
  ],
  // prefix / suffix / equals-ignore-case / wildcard
  ['prefix', { 'detail-type': [{ prefix: 'Order' }] }, true],
  ['prefix mismatch', { 'detail-type': [{ prefix: 'order' }] }, false],
  ['prefix ignoring case', { 'detail-type': [{ prefix: { 'equals-ignore-case': 'order' } }] }, true],
  ['prefix only on strings', { detail: { totalMinor: [{ prefix: '25' }] } }, false],
  ['suffix', { detail: { fileName: [{ suffix: '.PNG' }] } }, true],
  ['suffix is case-sensitive', { detail: { fileName: [{ suffix: '.png' }] } }, false],
  ['suffix ignoring case', { detail: { fileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, true],
  ['equals-ignore-case', { detail: { status: [{ 'equals-ignore-case': 'pending' }] } }, true],
  [
    'equals-ignore-case is still whole-value',
    { detail: { status: [{ 'equals-ignore-case': 'pend' }] } },
    false,
  ],
  ['wildcard', { resources: [{ wildcard: 'arn:*/c-*' }] }, true],
  ['wildcard anchored at both ends', { source: [{ wildcard: 'orders*' }] }, false],
  ['wildcard with an escaped star', { source: [{ wildcard: 'meridian\\*' }] }, false],
  ['wildcard escaped star is a literal star', { detail: { glob: [{ wildcard: 'lib/\\*.*' }] } }, true],
  ['wildcard escaped star does not match other text', { detail: { glob: [{ wildcard: 'l\\*' }] } }, false],
  ['wildcard dots are literal', { source: [{ wildcard: 'meridian?orders' }] }, false],
  // anything-but
  ['anything-but string', { detail: { status: [{ 'anything-but': 'CONFIRMED' }] } }, true],
  ['anything-but string excluded', { detail: { status: [{ 'anything-but': 'PENDING' }] } }, false],
  ['anything-but list', { detail: { status: [{ 'anything-but': ['FAILED', 'PENDING'] }] } }, false],
  ['anything-but number list', { detail: { totalMinor: [{ 'anything-but': [100, 200] }] } }, true],
  ['anything-but number excluded', { detail: { totalMinor: [{ 'anything-but': 2500 }] } }, false],
  ['anything-but never matches a missing field', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
  ['anything-but prefix', { region: [{ 'anything-but': { prefix: 'us-' } }] }, true],
  ['anything-but prefix excluded', { region: [{ 'anything-but': { prefix: 'eu-' } }] }, false],
  ['anything-but suffix', { detail: { fileName: [{ 'anything-but': { suffix: '.PNG' } }] } }, false],
  [
    'anything-but equals-ignore-case',
    { detail: { status: [{ 'anything-but': { 'equals-ignore-case': ['pending'] } }] } },
    false,
  ],
  ['anything-but wildcard', { source: [{ 'anything-but': { wildcard: '*.catalog' } }] }, true],
  ['anything-but on arrays: some element passes', { detail: { tags: [{ 'anything-but': 'gift' }] } }, true],
  // numeric
  ['numeric range', { detail: { totalMinor: [{ numeric: ['>', 0, '<=', 2500] }] } }, true],
  ['numeric range, exclusive bound', { detail: { totalMinor: [{ numeric: ['>', 0, '<', 2500] }] } }, false],
  [
    'numeric range written upper bound first',
    { detail: { ratio: [{ numeric: ['<', 1, '>=', 0.5] }] } },
    true,
  ],
  ['numeric single comparison', { detail: { ratio: [{ numeric: ['<', 0.5] }] } }, false],
  ['numeric equals', { detail: { totalMinor: [{ numeric: ['=', 2.5e3] }] } }, true],
  ['numeric only on numbers', { detail: { orderId: [{ numeric: ['>', 0] }] } }, false],
  ['numeric on array elements', { detail: { lines: { quantity: [{ numeric: ['>=', 5] }] } } }, true],
  // exists
  ['exists true', { detail: { coupon: [{ exists: true }] } }, true],
  ['exists true on a missing field', { detail: { missing: [{ exists: true }] } }, false],
  ['exists false on a missing field', { detail: { missing: [{ exists: false }] } }, true],
  ['exists false on a present field', { detail: { orderId: [{ exists: false }] } }, false],
  ['exists only looks at leaves: object value', { detail: { customer: [{ exists: false }] } }, true],
  ['exists on an empty array', { detail: { empty: [{ exists: true }] } }, false],
  ['exists false under a missing parent', { nothing: { here: [{ exists: false }] } }, true],
  ['exists false or a value', { detail: { missing: ['x', { exists: false }] } }, true],
  // cidr
  ['cidr', { detail: { sourceIp: [{ cidr: '10.0.0.0/24' }] } }, true],
  ['cidr outside the block', { detail: { sourceIp: [{ cidr: '10.0.1.0/24' }] } }, false],
  // $or
  ['$or: second alternative', { $or: [{ source: ['x'] }, { detail: { status: ['PENDING'] } }] }, true],
  ['$or: no alternative', { $or: [{ source: ['x'] }, { region: ['y'] }] }, false],
  [
    '$or nested under detail and ANDed with a field',
    { source: ['meridian.orders'], detail: { $or: [{ status: ['FAILED'] }, { express: [true] }] } },
    true,
  ],
  [
    '$or ANDed with a failing field',
    { source: ['meridian.catalog'], $or: [{ region: ['eu-west-1'] }, { account: ['1'] }] },
    false,
  ],
  [
    '$or inside $or',
    { $or: [{ source: ['x'] }, { $or: [{ region: ['y'] }, { detail: { tags: ['priority'] } }] }] },
    true,
  ],
];

describe('matchesEventPattern', () => {
  it.each(cases)('%s', (_name, pattern, expected) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });

  it('matches the replay-name field like any other, so rules can exclude replays', () => {
    const liveOnly = compileEventPattern({ 'replay-name': [{ exists: false }] });
    expect(liveOnly.matches(event)).toBe(true);
    expect(liveOnly.matches({ ...event, 'replay-name': 'r1' })).toBe(false);
  });
});

const invalidPatterns: Array<[name: string, pattern: unknown, path: string]> = [
  ['not an object', ['source'], ''],
  ['null', null, ''],
  ['empty pattern', {}, ''],
  ['scalar leaf', { source: 'meridian.orders' }, 'source'],
  ['empty value list', { source: [] }, 'source'],
  ['empty nested object', { detail: {} }, 'detail'],
  ['nested list', { source: [['a']] }, 'source[0]'],
  ['unknown operator', { source: [{ contains: 'x' }] }, 'source[0]'],
  ['two operators in one object', { source: [{ prefix: 'a', suffix: 'b' }] }, 'source[0]'],
  ['prefix with a number', { source: [{ prefix: 1 }] }, 'source[0].prefix'],
  ['prefix with an unknown option', { source: [{ prefix: { ignoreCase: 'a' } }] }, 'source[0].prefix'],
  ['exists with a string', { source: [{ exists: 'true' }] }, 'source[0].exists'],
  ['numeric with a string bound', { n: [{ numeric: ['>', '5'] }] }, 'n[0].numeric[1]'],
  ['numeric with an unknown operator', { n: [{ numeric: ['!=', 5] }] }, 'n[0].numeric[0]'],
  ['numeric with two lower bounds', { n: [{ numeric: ['>', 1, '>=', 5] }] }, 'n[0].numeric[2]'],
  ['numeric = combined with a bound', { n: [{ numeric: ['=', 1, '<', 5] }] }, 'n[0].numeric[0]'],
  ['numeric empty range', { n: [{ numeric: ['>', 5, '<', 5] }] }, 'n[0].numeric'],
  ['numeric wrong arity', { n: [{ numeric: ['>', 1, '<'] }] }, 'n[0].numeric'],
  ['anything-but mixed list', { s: [{ 'anything-but': ['a', 1] }] }, 's[0].anything-but'],
  ['anything-but empty list', { s: [{ 'anything-but': [] }] }, 's[0].anything-but'],
  ['anything-but unknown operator', { s: [{ 'anything-but': { numeric: ['>', 1] } }] }, 's[0].anything-but'],
  ['wildcard with consecutive stars', { s: [{ wildcard: 'a**b' }] }, 's[0].wildcard'],
  ['wildcard with a bad escape', { s: [{ wildcard: 'a\\b' }] }, 's[0].wildcard'],
  ['cidr without a prefix length', { ip: [{ cidr: '10.0.0.1' }] }, 'ip[0].cidr'],
  ['cidr prefix too long', { ip: [{ cidr: '10.0.0.0/33' }] }, 'ip[0].cidr'],
  ['$or with one alternative', { $or: [{ source: ['a'] }] }, '$or'],
  ['$or not a list', { $or: { source: ['a'] } }, '$or'],
  ['$or with an invalid alternative', { $or: [{ source: ['a'] }, { region: 'b' }] }, '$or[1].region'],
];

describe('assertValidEventPattern', () => {
  it.each(invalidPatterns)('rejects %s', (_name, pattern, path) => {
    const attempt = () => assertValidEventPattern(pattern);
    expect(attempt).toThrow(InvalidEventPatternError);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidEventPatternError).path).toBe(path);
    }
  });

  it('accepts every documented operator', () => {
    expect(() =>
      assertValidEventPattern({
        source: ['a', 1, true, null, ''],
        detail: {
          a: [
            { prefix: 'x' },
            { prefix: { 'equals-ignore-case': 'x' } },
            { suffix: { 'equals-ignore-case': 'x' } },
          ],
          b: [
            { 'anything-but': { 'equals-ignore-case': ['x', 'y'] } },
            { 'anything-but': { wildcard: ['*a', 'b*'] } },
          ],
          c: [{ numeric: ['>=', -1.5, '<', 1e9] }, { numeric: ['=', 0] }, { exists: true }],
          d: [{ cidr: '2001:db8::/32' }, { wildcard: 'a\\*b\\\\*' }],
        },
        $or: [{ region: ['x'] }, { account: ['y'] }],
      }),
    ).not.toThrow();
  });
});

/** JSON objects without `$or` keys (those are operators in patterns, not field names). */
const jsonObject = fc.dictionary(
  fc.string().filter((key) => key !== '$or'),
  fc.jsonValue({ maxDepth: 3 }),
  { minKeys: 1 },
);

/** A pattern that lists, for every leaf of the object, that leaf's own value. */
function patternFromLeaves(object: Record<string, unknown>): Record<string, unknown> | undefined {
  const entries: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(object)) {
    if (value === null || typeof value !== 'object') {
      entries.push([key, [value]]);
    } else if (Array.isArray(value)) {
      const leaf = value.find((item) => item === null || typeof item !== 'object');
      if (leaf !== undefined) entries.push([key, [leaf]]);
    } else {
      const nested = patternFromLeaves(value as Record<string, unknown>);
      if (nested !== undefined) entries.push([key, nested]);
    }
  }
  // fromEntries defines own properties, so a generated "__proto__" key stays a plain field.
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

describe('pattern properties', () => {
  it("a pattern built from an event's own leaf values always matches it", () => {
    fc.assert(
      fc.property(jsonObject, (object) => {
        const pattern = patternFromLeaves(object);
        fc.pre(pattern !== undefined);
        expect(matchesEventPattern(pattern, object)).toBe(true);
      }),
    );
  });

  it('anything-but a scalar field value never matches it, exists:false never matches a leaf', () => {
    const scalar = fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }));
    fc.assert(
      fc.property(fc.string(), scalar, (key, value) => {
        fc.pre(key !== '$or');
        const object = Object.fromEntries([[key, value]]);
        expect(matchesEventPattern(Object.fromEntries([[key, [{ 'anything-but': value }]]]), object)).toBe(
          false,
        );
        expect(matchesEventPattern(Object.fromEntries([[key, [{ exists: false }]]]), object)).toBe(false);
        expect(matchesEventPattern(Object.fromEntries([[key, [{ exists: true }]]]), object)).toBe(true);
      }),
    );
  });
});
