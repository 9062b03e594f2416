import { InvalidExecutionNameError } from './workflow-errors';

// Step Functions' naming rule: 1–80 characters, no whitespace, brackets, wildcards, specials or controls.
const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

export function assertExecutionName(name: string): void {
  const hasControl = [...name].some((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });
  if (name.length === 0 || name.length > 80 || hasControl || FORBIDDEN_NAME_CHARACTERS.test(name)) {
    throw new InvalidExecutionNameError(name);
  }
}

/** JSON with sorted keys, so the same input compares equal whatever order its keys were written in. */
export function canonicalJson(value: object): string {
  const json: string | undefined = JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
  if (json === undefined) throw new TypeError('execution input must be JSON');
  return json;
}
