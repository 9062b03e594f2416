import { type Problem, problem } from './problem';

/**
 * Whether a Content-Type header names JSON: application/json or a type with one `+json` structured-syntax
 * suffix (RFC 6839, e.g. application/merge-patch+json), with any parameters. Subtypes with several
 * suffixes (`application/a+b+json`) are not registered types and are refused. The middleware and the
 * route registry's body reader share this test, so they never disagree on what a JSON body is.
 */
export function isJsonContentType(header: string | undefined): boolean {
  const mediaType = header?.split(';')[0]?.trim() ?? '';
  return /^application\/(?:[\w.-]+\+)?json$/i.test(mediaType);
}

/** The problem for a body that is not JSON, wherever it is found out. */
export const unsupportedMediaType = (): Problem =>
  problem(415, 'unsupported_media_type', 'Send the request body as application/json.');
