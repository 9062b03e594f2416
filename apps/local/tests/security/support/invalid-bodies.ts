import fc from 'fast-check';
import { type JsonSchema, typesOf } from './openapi-operations';

/** A plausible value for a schema (its shape; validity does not matter, a mutation spoils it anyway). */
export function valueFor(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if (schema.anyOf && schema.anyOf.length > 0)
    return fc.oneof(...schema.anyOf.map((option) => valueFor(option, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      const minLength = schema.minLength ?? 0;
      return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(schema.maxLength ?? 30, 30)) });
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1000, 1_000_000) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      if (!schema.items || depth > 6) return fc.constant([]);
      return fc.array(valueFor(schema.items, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = schema.required ?? [];
      return fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([name, property]) => [name, valueFor(property, depth + 1)]),
        ),
        { requiredKeys: required.filter((name) => name in properties) },
      );
    }
    default:
      return fc.constant(null);
  }
}

/** A place in a value, with the schema that applies there. */
interface Spot {
  path: Array<string | number>;
  schema: JsonSchema;
}

function spotsOf(value: unknown, schema: JsonSchema, path: Array<string | number> = []): Spot[] {
  const spots: Spot[] = [{ path, schema }];
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    for (const [index, item] of value.entries()) spots.push(...spotsOf(item, items, [...path, index]));
  } else if (value && typeof value === 'object' && schema.properties)
    for (const [name, property] of Object.entries(schema.properties))
      if (name in (value as object))
        spots.push(...spotsOf((value as Record<string, unknown>)[name], property, [...path, name]));
  return spots;
}

function replaceAt(
  value: unknown,
  path: Array<string | number>,
  replacement: (current: unknown) => unknown,
): unknown {
  if (path.length === 0) return replacement(value);
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    unknown
  >;
  copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
}

const jsonType = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

// Keys that pollute or confuse a naive server: prototype keys, and fields a client must never set.
const INJECTED_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'customerId',
  'totalMinor',
  'isAdmin',
  'status',
];
// Each makes any string with a pattern, an enum or a free-text rule invalid.
const FORBIDDEN_TEXT = [
  '\u0000',
  '\r\n',
  '\u001b[2J',
  '\u202e',
  '\ud800',
  '\u0007',
  '\u0085',
  '\u2066',
  '\ufeff',
];

export const BODY_MUTATIONS = [
  'wrong-type',
  'out-of-range',
  'forbidden-characters',
  'unknown-key',
  'missing-key',
  'deep-nesting',
] as const;
export type BodyMutation = (typeof BODY_MUTATIONS)[number];

function deep(levels: number, arrays: boolean): string {
  return arrays
    ? `${'['.repeat(levels)}${']'.repeat(levels)}`
    : `${'{"x":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

/**
 * Applies one mutation at one spot so that the body is certainly invalid there, whatever the rest holds:
 * a JSON type the schema does not accept, a number or length out of its range, a control or invisible
 * character where a pattern or enum applies, an unknown (or prototype) key on a closed object, a required
 * key removed, or thousands of levels of nesting. Where a mutation does not apply, the type is changed.
 * Returns the body as JSON text.
 */
function mutate(
  value: unknown,
  spot: Spot,
  mutation: BodyMutation,
  n: number,
): { kind: string; text: string } {
  const types = typesOf(spot.schema);
  const wrongType = (): { kind: string; text: string } => {
    const candidates: unknown[] = [42, 'x', true, null, [], {}].filter(
      (candidate) => !types.includes(jsonType(candidate)),
    );
    const replacement = candidates[n % candidates.length];
    return { kind: 'wrong-type', text: JSON.stringify(replaceAt(value, spot.path, () => replacement)) };
  };
  const at = (replacement: (current: unknown) => unknown, kind: string) => ({
    kind,
    text: JSON.stringify(replaceAt(value, spot.path, replacement)),
  });
  const { schema } = spot;
  switch (mutation) {
    case 'wrong-type':
      return wrongType();
    case 'out-of-range': {
      const options: Array<() => unknown> = [];
      if (types.includes('number')) {
        if (schema.minimum !== undefined) options.push(() => (schema.minimum as number) - 1 - (n % 1000));
        if (schema.maximum !== undefined)
          options.push(
            () => (schema.maximum as number) + 1 + n,
            () => 1e308,
          );
        if (schema.type === 'integer') options.push(() => (schema.minimum ?? 0) + 1.5);
      }
      if (types.includes('string')) {
        if (schema.maxLength !== undefined)
          options.push(() => 'a'.repeat((schema.maxLength as number) + 1 + (n % 500)));
        if ((schema.minLength ?? 0) > 0) options.push(() => '');
      }
      if (types.includes('array')) {
        if (schema.maxItems !== undefined)
          options.push(() => Array.from({ length: (schema.maxItems as number) + 1 }, () => null));
        if ((schema.minItems ?? 0) > 0) options.push(() => []);
      }
      const pick = options[n % Math.max(1, options.length)];
      return pick ? at(pick, 'out-of-range') : wrongType();
    }
    case 'forbidden-characters': {
      const guarded =
        types.includes('string') &&
        (schema.enum !== undefined || (schema.pattern !== undefined && !schema.pattern.includes('https')));
      if (!guarded) return wrongType();
      const bad = FORBIDDEN_TEXT[n % FORBIDDEN_TEXT.length] as string;
      return at((current) => {
        const text = typeof current === 'string' && current.length > 0 ? current : 'AB';
        const middle = 1 + (n % text.length);
        return `${text.slice(0, middle)}${bad}${text.slice(middle)}`;
      }, 'forbidden-characters');
    }
    case 'unknown-key': {
      if (!types.includes('object') || schema.additionalProperties !== false) return wrongType();
      const key = INJECTED_KEYS[n % INJECTED_KEYS.length] as string;
      return at((current) => {
        const copy = { ...(current as object) };
        // An own enumerable property, so that even `__proto__` is written out as a key.
        Object.defineProperty(copy, key, { value: { polluted: true, isAdmin: true }, enumerable: true });
        return copy;
      }, `unknown-key:${key}`);
    }
    case 'missing-key': {
      const required = schema.required ?? [];
      const name = required[n % Math.max(1, required.length)];
      if (!types.includes('object') || name === undefined) return wrongType();
      return at((current) => {
        const copy = { ...(current as Record<string, unknown>) };
        delete copy[name];
        return copy;
      }, 'missing-key');
    }
    case 'deep-nesting': {
      const marker = '"__DEEP__"';
      const text = JSON.stringify(replaceAt(value, spot.path, () => '__DEEP__'));
      return {
        kind: 'deep-nesting',
        text: text.replace(marker, deep(10 + (n % 3000), !types.includes('array'))),
      };
    }
  }
}

/** Bodies for a schema that the API must refuse, each with the mutation that spoils it. */
export function invalidBody(schema: JsonSchema): fc.Arbitrary<{ kind: string; text: string }> {
  return valueFor(schema).chain((value) => {
    const spots = spotsOf(value, schema);
    return fc
      .tuple(fc.constantFrom(...spots), fc.constantFrom(...BODY_MUTATIONS), fc.nat())
      .map(([spot, mutation, n]) => mutate(value, spot, mutation, n));
  });
}

/** JSON that does not parse: cut short, followed by garbage, or with bytes that are not UTF-8. */
export function malformedJson(schema: JsonSchema): fc.Arbitrary<{ kind: string; body: Buffer }> {
  return fc
    .tuple(
      valueFor(schema),
      fc.nat(),
      fc.constantFrom('truncated', 'trailing', 'not-utf8', 'utf16', 'single-quotes'),
    )
    .map(([value, n, how]) => {
      const text = JSON.stringify(value);
      switch (how) {
        case 'truncated':
          return {
            kind: 'malformed:truncated',
            body: Buffer.from(text.slice(0, n % Math.max(1, text.length - 1))),
          };
        case 'trailing':
          return { kind: 'malformed:trailing', body: Buffer.from(`${text}}x`) };
        case 'not-utf8':
          return {
            kind: 'malformed:not-utf8',
            body: Buffer.concat([Buffer.from([0xff, 0xfe, 0xfd]), Buffer.from(text)]),
          };
        case 'utf16':
          return { kind: 'malformed:utf16', body: Buffer.from(text, 'utf16le') };
        default:
          return {
            kind: 'malformed:single-quotes',
            body: Buffer.from(text.includes('"') ? text.replaceAll('"', "'") : "{'a':1}"),
          };
      }
    });
}
