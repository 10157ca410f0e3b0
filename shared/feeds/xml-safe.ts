/**
 * Text safety shared by every renderer: characters XML 1.0 forbids are removed
 * (design: "characters that XML 1.0 forbids are removed"), then markup is escaped.
 */

const FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the forbidden controls is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the forbidden controls is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Removes C0 controls other than tab/LF/CR, U+FFFE/U+FFFF and lone surrogates. */
export function xmlSafe(text: string): string {
  // The lookarounds that find lone surrogates make the scan about three times slower on text
  // past Latin-1; isWellFormed tells, much faster, that there is none to find.
  return text.isWellFormed() ? text.replace(CONTROLS, '') : text.replace(FORBIDDEN, '');
}

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe as XML/HTML text and as a double- or single-quoted attribute value. */
export function escapeMarkup(text: string): string {
  return xmlSafe(text).replace(/[&<>"']/g, (ch) => ENTITY[ch] ?? ch);
}

/**
 * Plain text that collapses whitespace runs and trims, for titles and names; an ideographic
 * space (U+3000) alone stays one, as Japanese titles and names are written with it.
 */
export function oneLine(text: string): string {
  return xmlSafe(text)
    .replace(/\s+/g, (run) => (run === '\u3000' ? run : ' '))
    .trim();
}
