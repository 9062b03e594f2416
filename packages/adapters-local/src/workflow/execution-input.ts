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

/** Execution inputs are compared as canonical JSON: the same input whatever order its keys were written in. */
export { canonicalJson } from '@meridian/contracts';
