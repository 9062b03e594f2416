import { InvalidEventPatternError } from './errors';
import { compileLeafMatcher, isPlainObject, type JsonLeaf, type LeafMatcher } from './leaf-matchers';

/**
 * An EventBridge event pattern: a JSON object mirroring the event, whose leaves are lists of matchers.
 * Semantics (as on AWS): every field of the pattern must match (AND); a field matches when any list
 * element matches any of the field's leaf values (OR; an event array contributes all its elements);
 * `$or` holds alternative sub-patterns. Only leaf values are compared: a field holding an object (or an
 * empty array) has no value, so it satisfies `{ "exists": false }` and nothing else.
 */
export type EventPattern = Readonly<Record<string, unknown>>;

/** A pattern validated and compiled once (e.g. at `addRule`), then tested against many events. */
export interface CompiledEventPattern {
  readonly pattern: EventPattern;
  matches(event: unknown): boolean;
}

interface ObjectNode {
  readonly fields: readonly FieldNode[];
  /** Each group is one `$or`: at least one of its alternatives must match. */
  readonly orGroups: ReadonlyArray<readonly ObjectNode[]>;
}

type FieldNode =
  | { readonly kind: 'leaf'; readonly key: string; readonly matchers: readonly LeafMatcher[] }
  | { readonly kind: 'object'; readonly key: string; readonly node: ObjectNode };

const EMPTY_OBJECT: Readonly<Record<string, unknown>> = Object.freeze({});

/** Validates and compiles a pattern; throws `InvalidEventPatternError` naming the offending path. */
export function compileEventPattern(pattern: unknown): CompiledEventPattern {
  const root = compileObject(pattern, '');
  const validated = pattern as EventPattern;
  return {
    pattern: validated,
    matches: (event) => matchObject(root, isPlainObject(event) ? event : EMPTY_OBJECT),
  };
}

export function assertValidEventPattern(pattern: unknown): asserts pattern is EventPattern {
  compileEventPattern(pattern);
}

/** One-off match; compiles the pattern each call, so hot paths should keep a `compileEventPattern` result. */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern).matches(event);
}

function compileObject(raw: unknown, path: string): ObjectNode {
  if (!isPlainObject(raw)) throw new InvalidEventPatternError(path, 'a pattern must be a JSON object');
  const entries = Object.entries(raw);
  if (entries.length === 0) throw new InvalidEventPatternError(path, 'a pattern object must not be empty');
  const fields: FieldNode[] = [];
  const orGroups: ObjectNode[][] = [];
  for (const [key, value] of entries) {
    const fieldPath = path === '' ? key : `${path}.${key}`;
    if (key === '$or') {
      orGroups.push(compileOr(value, fieldPath));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidEventPatternError(fieldPath, 'a value list must not be empty');
      const matchers = value.map((item, index) => compileLeafMatcher(item, `${fieldPath}[${index}]`));
      fields.push({ kind: 'leaf', key, matchers });
    } else if (isPlainObject(value)) {
      fields.push({ kind: 'object', key, node: compileObject(value, fieldPath) });
    } else {
      throw new InvalidEventPatternError(
        fieldPath,
        `expected a list of values or a nested object, got ${JSON.stringify(value) ?? typeof value}`,
      );
    }
  }
  return { fields, orGroups };
}

function compileOr(value: unknown, path: string): ObjectNode[] {
  if (!Array.isArray(value) || value.length < 2) {
    throw new InvalidEventPatternError(path, "'$or' takes a list of at least two sub-patterns");
  }
  return value.map((item, index) => compileObject(item, `${path}[${index}]`));
}

function matchObject(node: ObjectNode, object: Readonly<Record<string, unknown>>): boolean {
  for (const field of node.fields) {
    // Own properties only: a field named `constructor` or `toString` must not hit Object.prototype.
    const value = Object.hasOwn(object, field.key) ? object[field.key] : undefined;
    const matched =
      field.kind === 'leaf' ? matchLeafField(field.matchers, value) : matchNestedField(field.node, value);
    if (!matched) return false;
  }
  for (const alternatives of node.orGroups) {
    if (!alternatives.some((alternative) => matchObject(alternative, object))) return false;
  }
  return true;
}

function matchLeafField(matchers: readonly LeafMatcher[], value: unknown): boolean {
  if (isLeaf(value)) return matchers.some((matcher) => matcher.test(value));
  const leaves: JsonLeaf[] = [];
  if (Array.isArray(value)) collectLeaves(value, leaves);
  if (leaves.length === 0) return matchers.some((matcher) => matcher.matchesAbsent);
  return leaves.some((leaf) => matchers.some((matcher) => matcher.test(leaf)));
}

/**
 * An array of objects matches when one element matches the whole sub-pattern (EventBridge's "array
 * consistency": fields are never combined across elements). A missing or non-object value is matched
 * as an empty object, so sub-patterns made only of `exists: false` still match it.
 */
function matchNestedField(node: ObjectNode, value: unknown): boolean {
  if (isPlainObject(value)) return matchObject(node, value);
  if (Array.isArray(value)) {
    const objects: Record<string, unknown>[] = [];
    collectObjects(value, objects);
    if (objects.length > 0) return objects.some((object) => matchObject(node, object));
  }
  return matchObject(node, EMPTY_OBJECT);
}

function isLeaf(value: unknown): value is JsonLeaf {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

function collectLeaves(values: readonly unknown[], into: JsonLeaf[]): void {
  for (const value of values) {
    if (isLeaf(value)) into.push(value);
    else if (Array.isArray(value)) collectLeaves(value, into);
  }
}

function collectObjects(values: readonly unknown[], into: Record<string, unknown>[]): void {
  for (const value of values) {
    if (isPlainObject(value)) into.push(value);
    else if (Array.isArray(value)) collectObjects(value, into);
  }
}
