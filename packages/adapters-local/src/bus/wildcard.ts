import { InvalidEventPatternError } from './errors';

/**
 * Compiles an EventBridge wildcard (`*` = any run of characters, `\*` = a literal star, `\\` = a literal
 * backslash) into an anchored regular expression. Like EventBridge, consecutive wildcards and any other
 * backslash escape are rejected.
 */
export function compileWildcard(wildcard: string, path: string): RegExp {
  let source = '';
  let previousWasWildcard = false;
  for (let index = 0; index < wildcard.length; index += 1) {
    const char = wildcard.charAt(index);
    if (char === '*') {
      if (previousWasWildcard) {
        throw new InvalidEventPatternError(path, `consecutive wildcard characters in '${wildcard}'`);
      }
      source += '[\\s\\S]*';
      previousWasWildcard = true;
      continue;
    }
    previousWasWildcard = false;
    if (char === '\\') {
      const escaped = wildcard.charAt(index + 1);
      if (escaped !== '*' && escaped !== '\\') {
        throw new InvalidEventPatternError(
          path,
          `a backslash may only escape '*' or '\\' in wildcard '${wildcard}'`,
        );
      }
      source += escapeRegExp(escaped);
      index += 1;
      continue;
    }
    source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
