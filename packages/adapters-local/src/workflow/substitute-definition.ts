import { UnresolvedPlaceholderError } from './workflow-errors';

// CloudFormation's DefinitionSubstitutions syntax; ASL itself never uses `${`, so every match is one.
const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** The distinct `${Name}` placeholder names in an ASL text, in order of first appearance. */
export function placeholderNames(aslText: string): string[] {
  return [...new Set(Array.from(aslText.matchAll(PLACEHOLDER), (match) => match[1] ?? ''))];
}

/**
 * Replaces `${Name}` placeholders as CDK's `definitionSubstitutions` does on AWS, then parses the JSON.
 * Unlike CloudFormation, a placeholder left unresolved throws instead of reaching the state machine:
 * asl-validator accepts `${...}` as a Resource, so nothing later would notice.
 */
export function substituteDefinition(
  aslText: string,
  substitutions: Record<string, string>,
): Record<string, unknown> {
  const missing = placeholderNames(aslText).filter((name) => !Object.hasOwn(substitutions, name));
  if (missing.length > 0) throw new UnresolvedPlaceholderError(missing);
  const substituted = aslText.replace(PLACEHOLDER, (_match, name: string) =>
    // Escaped as JSON string content because every placeholder sits inside a JSON string.
    JSON.stringify(substitutions[name]).slice(1, -1),
  );
  return JSON.parse(substituted) as Record<string, unknown>;
}

/**
 * Fake but well-formed Lambda ARNs for local mode, e.g. `ReserveInventoryFunctionArn` →
 * `arn:aws:lambda:us-east-1:000000000000:function:meridian-reserve-inventory`. Local handlers replace
 * every Task, so the ARNs are never called; they only have to pass ARN validation.
 */
export function localFunctionArns(
  names: readonly string[],
  region: string,
  accountId = '000000000000',
): Record<string, string> {
  const arns: Record<string, string> = {};
  for (const name of names) {
    const kebab = name
      .replace(/FunctionArn$/, '')
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .replace(/[^A-Za-z0-9-]+/g, '-')
      .toLowerCase();
    arns[name] = `arn:aws:lambda:${region}:${accountId}:function:meridian-${kebab}`;
  }
  return arns;
}
