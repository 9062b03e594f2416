import * as z from 'zod';

// Control characters (C0 with NUL, tab, CR/LF and escape; DEL; C1) and the invisible format characters
// that reorder or hide text (zero-width marks, bidi overrides and isolates, BOM). Written as plain ranges
// so the OpenAPI document can carry them as a JSON Schema pattern.
const FORMAT = '\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff';
const ONE_LINE = new RegExp(`^[^\\u0000-\\u001f\\u007f-\\u009f${FORMAT}]*$`);
// The same, with line feeds allowed.
const SEVERAL_LINES = new RegExp(`^[^\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f${FORMAT}]*$`);

const LONE_SURROGATE_AT = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = (value: string) => !LONE_SURROGATE_AT.test(value);
const LONE_SURROGATE = 'Text must be valid Unicode (no lone surrogates).';

/**
 * A free-text field of one line (a name, an address line, a category): trimmed, and refused when it holds
 * control or invisible formatting characters, which would end up in labels, logs, emails and headers.
 */
export function singleLineText(): z.ZodString {
  return z
    .string()
    .trim()
    .regex(ONE_LINE, 'Control characters (line breaks included) and invisible formatting are not allowed.')
    .refine(wellFormed, LONE_SURROGATE);
}

/** Free text of several lines (a description): line feeds allowed, other control characters refused. */
export function multiLineText(): z.ZodString {
  return z
    .string()
    .regex(
      SEVERAL_LINES,
      'Control characters other than line feeds, and invisible formatting, are not allowed.',
    )
    .refine(wellFormed, LONE_SURROGATE);
}

/** An https: URL (never javascript:, data: or plain http:), as images and links must be. */
export function httpsUrl() {
  return z
    .url({ protocol: /^https$/, error: 'An https:// URL.' })
    .regex(/^https:\/\//i, 'An https:// URL.')
    .max(500);
}
