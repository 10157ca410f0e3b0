import type { Author, Label } from './article.ts';
import { cutAt, shortHash, slugFold, slugify } from './slug.ts';
import {
  htmlToText,
  isBlank,
  MARKUP,
  plainLine,
  quote,
  truncateAtWord,
  warnOfMarkup,
} from './text.ts';
import { resolveUrl } from './urls.ts';

// One article's feeds (site + tags + authors), moved in one DynamoDB transaction of at most
// 100 items even when every tag changes: 1 + 12 + 5 feeds keep the worst case near 75.
export const MAX_TAGS = 12;
export const MAX_AUTHORS = 5;
/** Longest display name of a tag or an author. */
export const MAX_LABEL_NAME_LENGTH = 100;
export const MAX_LABEL_SLUG_LENGTH = 80;
const HASHED_SLUG = /-[0-9a-f]{8}$/;

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/u;

/** An author as a file may write it: `Name <email>` or `{ name, email, url }`. */
export interface AuthorInput {
  name?: string | null;
  email?: string | null;
  url?: string | null;
}

/**
 * A tag's or author's slug: distinct labels get distinct feeds, as keys get distinct ids.
 * Case, spacing, dashes, punctuation and Latin accents fold (`Security Deal`, `security-deal`
 * and `SECURITY_DEAL` are one tag); when the readable slug loses more than that (`C++` and
 * `C#` against `C`, a name cut at {@link MAX_LABEL_SLUG_LENGTH}), 8 hex digits of the fold's
 * hash follow it; `h-<hash>` when nothing readable is left (emoji).
 */
export function labelSlug(name: string): string {
  const full = slugify(name);
  if (full === '') return `h-${shortHash(name.normalize('NFKC').toLowerCase())}`;
  const fold = slugFold(name);
  // A name that itself ends like a hashed slug (`c-1a2b3c4d`) is hashed too: it can never
  // take the slug of another name (`C++`).
  if (full.length <= MAX_LABEL_SLUG_LENGTH && full === fold && !HASHED_SLUG.test(full)) return full;
  const readable = cutAt(full, MAX_LABEL_SLUG_LENGTH - 9).replace(/-+$/, '');
  return `${readable}-${shortHash(fold)}`;
}

/**
 * The commas a list of tags may be written with: ASCII, Arabic (`،`), ideographic (`、`) and
 * full-width (`，`, `､`), as an Arabic, Persian, Chinese or Japanese keyboard types them.
 */
export const TAG_SEPARATOR = /[,\u060c\u3001\uff0c\uff64]/u;

/**
 * `security deal, Libya,` → `['security deal', 'Libya', '']`, `زلزال، تركيا` and `大雨、大阪`
 * alike (empty names are dropped later).
 */
export function splitTagList(text: string): string[] {
  return text.split(TAG_SEPARATOR);
}

/**
 * `Jane Doe <jane@example.com>` → name and email; a bare address is an email, and so is
 * RSS's `jane@example.com (Jane Doe)`. The address is the first `<…>` that holds one, and the
 * rest is the name (`Jane <jane@example.com> (Paris desk)`); with none, the last `<…>` is taken
 * as the address (and dropped, with a warning, as not one).
 */
export function parseAuthorString(text: string): AuthorInput {
  const trimmed = text.trim();
  const end = text.trimEnd();
  // The regex's `.` stopped at line breaks: a name across lines is no `Name <email>`.
  const oneLine = (name: string) => !/[\n\r\u2028\u2029]/.test(name.trimEnd());
  const groups = bracketGroups(end);
  const address = groups.find(({ inner }) => EMAIL.test(inner));
  if (address) {
    const before = end.slice(0, address.start).trimEnd();
    const after = end.slice(address.end).trim();
    if (oneLine(before) && oneLine(after))
      return { name: after === '' ? before : `${before} ${after}`.trim(), email: address.inner };
  }
  const last = groups.at(-1);
  if (last !== undefined && last.end === end.length && oneLine(text.slice(0, last.start)))
    return { name: text.slice(0, last.start).trimEnd(), email: last.inner };
  const commented = RFC822_AUTHOR.exec(trimmed);
  if (commented?.[1] !== undefined && EMAIL.test(commented[1]) && commented[2]?.trim())
    return { name: commented[2].trim(), email: commented[1] };
  return EMAIL.test(trimmed) ? { email: trimmed } : { name: text };
}

/** RSS's `<author>` form: `jane@example.com (Jane Doe)`; the name holds no parentheses. */
const RFC822_AUTHOR = /^([^\s()]+)\s*\(([^()\n\r]*)\)$/u;

/**
 * Each `<…>` of `text` holding no `<` or `>`: where it starts, ends (after `>`) and what is
 * inside. A scan, not a regex (`/<([^<>]*)>/g` is linear too, but the scan says why): each
 * `<` is looked at once.
 */
function bracketGroups(text: string): { start: number; end: number; inner: string }[] {
  const groups: { start: number; end: number; inner: string }[] = [];
  let open = text.indexOf('<');
  while (open !== -1) {
    const close = text.indexOf('>', open + 1);
    if (close === -1) break;
    const nested = text.lastIndexOf('<', close);
    if (nested === open)
      groups.push({ start: open, end: close + 1, inner: text.slice(open + 1, close) });
    open = nested === open ? text.indexOf('<', close + 1) : nested;
  }
  return groups;
}

/** Tags cleaned, de-duplicated by slug (first spelling wins), at most {@link MAX_TAGS}. */
export function normalizeTags(names: readonly string[]): { tags: Label[]; warnings: string[] } {
  const bySlug = new Map<string, Label>();
  const warnings: string[] = [];
  for (const raw of names) {
    const { name, whole } = displayName(raw, 'tag', warnings);
    // An empty name (`a, b,`) says nothing; one of invisible characters only is told.
    if (name === '' ? raw.trim() !== '' : isBlank(name)) {
      warnings.push(`dropped a tag with nothing visible in it (${codePoints(raw.trim())})`);
      continue;
    }
    if (name === '') continue;
    // Its feed is the whole name's: two long names that differ after the cut stay apart.
    const slug = labelSlug(whole);
    if (bySlug.has(slug)) continue;
    bySlug.set(slug, { slug, name });
    if (name !== whole) warnings.push(cutWarning('tag', name));
  }
  const tags = [...bySlug.values()];
  warnings.push(...capWarning('tags', tags, MAX_TAGS));
  return { tags: tags.slice(0, MAX_TAGS), warnings };
}

/** Authors cleaned (bad emails and URLs dropped with a warning), de-duplicated by slug. */
export function normalizeAuthors(
  inputs: readonly AuthorInput[],
  siteUrl: string,
): { authors: Author[]; warnings: string[] } {
  const warnings: string[] = [];
  const bySlug = new Map<string, Author>();
  for (const input of inputs) {
    const author = normalizeAuthor(input, siteUrl, warnings);
    if (!author) continue;
    const same = bySlug.get(author.slug);
    if (!same) bySlug.set(author.slug, author);
    else if (same.name !== author.name || same.email !== author.email || same.url !== author.url)
      warnings.push(
        `author ${quote(author.name)}: the same byline as ${quote(same.name)} (one author page, /authors/${author.slug}/); kept as ${quote(same.name)}`,
      );
  }
  const authors = [...bySlug.values()];
  warnings.push(...capWarning('authors', authors, MAX_AUTHORS));
  return { authors: authors.slice(0, MAX_AUTHORS), warnings };
}

function normalizeAuthor(
  input: AuthorInput,
  siteUrl: string,
  warnings: string[],
): Author | undefined {
  let email = input.email ? plainLine(input.email) : undefined;
  if (email !== undefined && !EMAIL.test(email)) {
    warnings.push(
      `author ${quote(input.name ?? '')}: dropped email ${quote(email)} (not an email address)`,
    );
    email = undefined;
  }
  const raw = (input.name ?? '').trim();
  const { name: given, whole } = displayName(raw, 'author', warnings);
  if (given === '' ? raw !== '' : isBlank(given))
    warnings.push(`author name with nothing visible in it (${codePoints(raw)}): not used`);
  const name = (isBlank(given) ? '' : given) || (email ?? '');
  if (name === '') {
    if (input.email || input.url) warnings.push('dropped an author with no name');
    return undefined;
  }
  const named = name === given;
  if (named && given !== whole) warnings.push(cutWarning('author', given));
  const author: Author = { slug: labelSlug(named ? whole : name), name };
  if (email) author.email = email;
  if (input.url) {
    const url = resolveUrl(input.url, siteUrl);
    if (url.ok) author.url = url.url;
    else warnings.push(`author ${quote(name)}: dropped url: ${url.problem}`);
  }
  return author;
}

/**
 * Invisible characters with no part in how a name reads or joins (zero-width space, word joiner,
 * a stray BOM): removed, so `secu<U+200B>rity` is the tag `security`. Zero-width (non-)joiners
 * stay: Persian and emoji sequences need them.
 */
const INVISIBLE_IN_NAMES = /[\u200b\u2060\ufeff]/g;

/** A label's name as shown (cut at MAX_LABEL_NAME_LENGTH), and whole (its slug's). */
function displayName(
  raw: string,
  what: 'tag' | 'author',
  warnings: string[],
): { name: string; whole: string } {
  const visible = raw.replace(INVISIBLE_IN_NAMES, '');
  // A name is plain text, as a title is: markup in it goes, said (feeds and OPML carry names to
  // readers and tools that may show them as HTML).
  if (!MARKUP.test(visible)) return named(visible);
  const where = `${what} ${quote(visible)}`;
  warnOfMarkup(visible, where, warnings, 'a name is plain text');
  return named(htmlToText(visible, where));
}

function named(text: string): { name: string; whole: string } {
  const whole = plainLine(text);
  return { name: truncateAtWord(whole, MAX_LABEL_NAME_LENGTH), whole };
}

function cutWarning(what: 'tag' | 'author', name: string): string {
  return `${what} name longer than ${MAX_LABEL_NAME_LENGTH} characters: shown as ${quote(name)} (its feed is the whole name's)`;
}

function capWarning(what: string, all: readonly Label[], cap: number): string[] {
  if (all.length <= cap) return [];
  const dropped = all.slice(cap).map((label) => quote(label.name));
  const shown = dropped.slice(0, 3).join(', ') + (dropped.length > 3 ? ', …' : '');
  return [`kept the first ${cap} ${what}; dropped ${dropped.length} more (${shown})`];
}

/** `U+200B U+200E`: what an invisible name is made of, to find it in the file. */
function codePoints(text: string): string {
  const points = [...text].map(
    (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
  return points.length > 8 ? `${points.slice(0, 8).join(' ')} …` : points.join(' ');
}
