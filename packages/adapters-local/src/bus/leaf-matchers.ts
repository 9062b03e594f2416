import { BlockList, isIP } from 'node:net';
import { InvalidEventPatternError } from './errors';
import { compileWildcard } from './wildcard';

/** A JSON value that is neither an object nor an array: what EventBridge patterns compare against. */
export type JsonLeaf = string | number | boolean | null;

/** One element of a pattern's value list, compiled. */
export interface LeafMatcher {
  /** True only for `{ "exists": false }`: satisfied when the field has no leaf value at all. */
  readonly matchesAbsent: boolean;
  /** Whether one leaf value of the field satisfies this matcher. */
  test(value: JsonLeaf): boolean;
}

type StringTest = (value: string) => boolean;
type LeafTest = (value: JsonLeaf) => boolean;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Compiles one element of a pattern list: a literal (exact match) or a one-key operator object. */
export function compileLeafMatcher(raw: unknown, path: string): LeafMatcher {
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') {
    return present((value) => value === raw);
  }
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw new InvalidEventPatternError(path, 'numbers must be finite');
    return present((value) => value === raw);
  }
  if (isPlainObject(raw)) return compileOperator(raw, path);
  throw new InvalidEventPatternError(
    path,
    'a list element must be a string, number, boolean, null or an operator object',
  );
}

function compileOperator(raw: Record<string, unknown>, path: string): LeafMatcher {
  const [operator, operand] = singleEntry(raw, path, 'an operator object');
  const operandPath = `${path}.${operator}`;
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return present(onStrings(compileAffix(operator, operand, operandPath)));
    case 'equals-ignore-case':
      return present(onStrings(compileIgnoreCase(requireString(operand, operandPath, operator))));
    case 'wildcard': {
      const regex = compileWildcard(requireString(operand, operandPath, operator), operandPath);
      return present(onStrings((value) => regex.test(value)));
    }
    case 'anything-but':
      return present(compileAnythingBut(operand, operandPath));
    case 'numeric': {
      const test = compileNumeric(operand, operandPath);
      return present((value) => typeof value === 'number' && test(value));
    }
    case 'exists':
      if (typeof operand !== 'boolean') {
        throw new InvalidEventPatternError(operandPath, "'exists' takes true or false");
      }
      return operand ? present(() => true) : { matchesAbsent: true, test: () => false };
    case 'cidr':
      return present(onStrings(compileCidr(operand, operandPath)));
    default:
      throw new InvalidEventPatternError(path, `unknown operator '${operator}'`);
  }
}

function compileAffix(kind: 'prefix' | 'suffix', operand: unknown, path: string): StringTest {
  if (typeof operand === 'string') {
    return kind === 'prefix' ? (value) => value.startsWith(operand) : (value) => value.endsWith(operand);
  }
  if (isPlainObject(operand)) {
    const [key, inner] = singleEntry(operand, path, `'${kind}'`);
    if (key === 'equals-ignore-case' && typeof inner === 'string') {
      const lower = inner.toLowerCase();
      return kind === 'prefix'
        ? (value) => value.toLowerCase().startsWith(lower)
        : (value) => value.toLowerCase().endsWith(lower);
    }
  }
  throw new InvalidEventPatternError(path, `'${kind}' takes a string or { "equals-ignore-case": string }`);
}

function compileIgnoreCase(expected: string): StringTest {
  const lower = expected.toLowerCase();
  return (value) => value.toLowerCase() === lower;
}

/** Anything-but negates its operand over the leaf values present; a missing field never matches it. */
function compileAnythingBut(operand: unknown, path: string): LeafTest {
  if (typeof operand === 'string' || (typeof operand === 'number' && Number.isFinite(operand))) {
    return (value) => value !== operand;
  }
  if (Array.isArray(operand)) {
    const onlyStrings = operand.every((item) => typeof item === 'string');
    const onlyNumbers = operand.every((item) => typeof item === 'number' && Number.isFinite(item));
    if (operand.length === 0 || !(onlyStrings || onlyNumbers)) {
      throw new InvalidEventPatternError(
        path,
        "an 'anything-but' list must be non-empty and hold only strings or only numbers",
      );
    }
    const excluded = new Set<unknown>(operand);
    return (value) => !excluded.has(value);
  }
  if (isPlainObject(operand)) {
    const [key, inner] = singleEntry(operand, path, "'anything-but'");
    const innerPath = `${path}.${key}`;
    const negate =
      (test: StringTest): LeafTest =>
      (value) =>
        typeof value !== 'string' || !test(value);
    switch (key) {
      case 'prefix':
      case 'suffix':
        return negate(compileAffix(key, requireString(inner, innerPath, key), innerPath));
      case 'equals-ignore-case': {
        const tests = stringOrStrings(inner, innerPath, key).map(compileIgnoreCase);
        return negate((value) => tests.some((test) => test(value)));
      }
      case 'wildcard': {
        const regexes = stringOrStrings(inner, innerPath, key).map((item) =>
          compileWildcard(item, innerPath),
        );
        return negate((value) => regexes.some((regex) => regex.test(value)));
      }
    }
  }
  throw new InvalidEventPatternError(
    path,
    "'anything-but' takes a string, a number, a list of them, or { prefix | suffix | equals-ignore-case | wildcard }",
  );
}

interface Bound {
  value: number;
  inclusive: boolean;
}

/** `[op, n]` or `[lowerOp, n, upperOp, n]`; `=` stands alone; an empty range is an error, as on AWS. */
function compileNumeric(operand: unknown, path: string): (value: number) => boolean {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) {
    throw new InvalidEventPatternError(path, "'numeric' takes [op, number] or [op, number, op, number]");
  }
  let lower: Bound | undefined;
  let upper: Bound | undefined;
  let equals: number | undefined;
  for (let index = 0; index < operand.length; index += 2) {
    const op: unknown = operand[index];
    const value: unknown = operand[index + 1];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidEventPatternError(`${path}[${index + 1}]`, 'a numeric bound must be a finite number');
    }
    if (op === '=' && operand.length === 2) equals = value;
    else if ((op === '>' || op === '>=') && lower === undefined) lower = { value, inclusive: op === '>=' };
    else if ((op === '<' || op === '<=') && upper === undefined) upper = { value, inclusive: op === '<=' };
    else {
      throw new InvalidEventPatternError(
        `${path}[${index}]`,
        `unexpected numeric operator ${JSON.stringify(op)} (use =, <, <=, >, >=; at most one lower and one upper bound)`,
      );
    }
  }
  if (equals !== undefined) {
    const expected = equals;
    return (value) => value === expected;
  }
  if (lower !== undefined && upper !== undefined && lower.value >= upper.value) {
    throw new InvalidEventPatternError(path, 'the lower bound must be below the upper bound');
  }
  return (value) => withinLower(value, lower) && withinUpper(value, upper);
}

function withinLower(value: number, bound: Bound | undefined): boolean {
  return bound === undefined || (bound.inclusive ? value >= bound.value : value > bound.value);
}

function withinUpper(value: number, bound: Bound | undefined): boolean {
  return bound === undefined || (bound.inclusive ? value <= bound.value : value < bound.value);
}

function compileCidr(operand: unknown, path: string): StringTest {
  const cidr = requireString(operand, path, 'cidr');
  const slash = cidr.lastIndexOf('/');
  const address = cidr.slice(0, slash);
  const bits = cidr.slice(slash + 1);
  const family = slash < 0 ? 0 : isIP(address);
  const maxBits = family === 4 ? 32 : 128;
  if (family === 0 || !/^\d{1,3}$/.test(bits) || Number(bits) > maxBits) {
    throw new InvalidEventPatternError(path, `'${cidr}' is not an IPv4 or IPv6 CIDR block`);
  }
  const subnet = new BlockList();
  subnet.addSubnet(address, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  return (value) => {
    const valueFamily = isIP(value);
    return valueFamily !== 0 && subnet.check(value, valueFamily === 4 ? 'ipv4' : 'ipv6');
  };
}

function present(test: LeafTest): LeafMatcher {
  return { matchesAbsent: false, test };
}

function onStrings(test: StringTest): LeafTest {
  return (value) => typeof value === 'string' && test(value);
}

function singleEntry(raw: Record<string, unknown>, path: string, what: string): [string, unknown] {
  const entries = Object.entries(raw);
  const first = entries[0];
  if (entries.length !== 1 || first === undefined) {
    throw new InvalidEventPatternError(
      path,
      `${what} needs exactly one key, got ${entries.length === 0 ? 'none' : entries.map(([key]) => key).join(', ')}`,
    );
  }
  return first;
}

function requireString(operand: unknown, path: string, operator: string): string {
  if (typeof operand !== 'string') throw new InvalidEventPatternError(path, `'${operator}' takes a string`);
  return operand;
}

function stringOrStrings(operand: unknown, path: string, operator: string): string[] {
  if (typeof operand === 'string') return [operand];
  if (Array.isArray(operand) && operand.length > 0 && operand.every((item) => typeof item === 'string')) {
    return operand;
  }
  throw new InvalidEventPatternError(path, `'${operator}' takes a string or a non-empty list of strings`);
}
