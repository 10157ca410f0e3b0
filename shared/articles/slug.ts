import { createHash } from 'node:crypto';

/** Latin letters that have no decomposition but an obvious ASCII spelling. */
const LATIN_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ħ: 'h',
  ı: 'i',
  ł: 'l',
  þ: 'th',
};
const LATIN_SPECIALS = /[ßæœøđðħıłþ]/gu;
// Only marks on Latin letters go: Cyrillic й or Greek ά keep theirs, so ids stay readable.
const LATIN_DIACRITICS = /(\p{Script=Latin})[\u0300-\u036f]+/gu;
const NOT_LETTER_OR_NUMBER = /[^\p{L}\p{M}\p{N}]+/gu;
const EDGE_DASHES = /^-+|-+$/g;
const SEPARATORS = /[@<>\p{Z}\s\p{Cc}\p{Pd}\p{Pc}\p{Ps}\p{Pe}\p{Pi}\p{Pf}.,;:!?'"/\\·…]+/gu;

/**
 * Path-safe slug: NFKC, lowercase, Latin diacritics stripped, every run of characters
 * that are not letters or numbers (any script) replaced by `-`, trimmed of `-`.
 * May be empty (emoji, punctuation only).
 */
export function slugify(text: string): string {
  return latinFolded(text).replace(NOT_LETTER_OR_NUMBER, '-').replace(EDGE_DASHES, '');
}

/**
 * What a slug keeps of a name, with the symbols it drops left in: separators (spaces,
 * dashes, brackets, quotes, sentence punctuation) become `-` as in a slug, but `+`, `#`, `&`,
 * `@`, `$`, emoji and other symbols stay. A name whose fold equals its slug lost nothing that
 * tells it apart from another name (`C++` folds to `c++`, `C#` to `c#`, `C` to `c`).
 */
export function slugFold(text: string): string {
  return latinFolded(text).replace(SEPARATORS, '-').replace(EDGE_DASHES, '');
}

function latinFolded(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(LATIN_DIACRITICS, '$1')
    .normalize('NFC')
    .replace(LATIN_SPECIALS, (ch) => LATIN_LETTERS[ch] ?? ch);
}

/** First 8 hex characters of the SHA-256 of `text` (UTF-8). */
export function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);
}

/** Cuts `text` to at most `max` UTF-16 code units, never inside a surrogate pair. */
export function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
