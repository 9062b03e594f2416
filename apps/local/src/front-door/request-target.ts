/** Longer request targets are refused (414): no route of Meridian needs more. */
export const MAX_TARGET_LENGTH = 4096;

export type TargetCheck =
  | { ok: true; path: string; query: string }
  | { ok: false; status: 400 | 414; code: 'invalid_path' | 'uri_too_long'; detail: string };

// RFC 3986 path characters (unreserved, sub-delims, ':' '@', '/', percent-escapes); nothing else.
const PATH_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
// The query may also hold '?' and '/'; control characters, spaces and non-ASCII must be escaped.
const QUERY_CHARACTERS = /^[\x21-\x7e]*$/;
// Escapes that would change how the path splits into segments once a server decodes it: dots (a dot
// segment), slashes and backslashes (a new segment), control characters (NUL and CR/LF included), and an
// escaped percent sign (a second decoding would turn %252e into a dot).
const FORBIDDEN_ESCAPE = /%(?:2e|2f|5c|25|[01][0-9a-f]|7f)/i;

const refuse = (detail: string): TargetCheck => ({ ok: false, status: 400, code: 'invalid_path', detail });

/**
 * Checks a raw request target before anything routes on it. Servers behind the front door normalize
 * paths (the WHATWG URL parser resolves `..`, `%2e%2e` and backslashes, Hono decodes escapes), so a path
 * that would normalize to something else than it reads is refused, not normalized: only a target whose
 * segments are exactly what every later reader sees may pass. That is: an origin-form target (`/…`), no
 * dot segments (`.`, `..`, escaped or not), no empty segments, no backslashes, no escaped slash, dot,
 * percent sign or control character, and only RFC 3986 characters.
 */
export function checkRequestTarget(target: string): TargetCheck {
  if (target.length > MAX_TARGET_LENGTH)
    return {
      ok: false,
      status: 414,
      code: 'uri_too_long',
      detail: `Request targets are limited to ${MAX_TARGET_LENGTH} characters.`,
    };
  if (!target.startsWith('/')) return refuse('The request target must be a path starting with "/".');
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : target.slice(queryAt + 1);
  if (!PATH_CHARACTERS.test(path)) return refuse('The path holds characters that must be escaped.');
  if (/%(?![0-9a-f]{2})/i.test(path)) return refuse('The path holds a malformed percent-escape.');
  if (FORBIDDEN_ESCAPE.test(path))
    return refuse('The path holds an escaped dot, slash, backslash, percent sign or control character.');
  const segments = path.split('/').slice(1);
  if (segments.some((segment, index) => segment === '' && index < segments.length - 1))
    return refuse('The path holds an empty segment ("//").');
  if (segments.some((segment) => segment === '.' || segment === '..'))
    return refuse('The path holds a dot segment ("." or "..").');
  if (!QUERY_CHARACTERS.test(query)) return refuse('The query holds characters that must be escaped.');
  return { ok: true, path, query };
}
