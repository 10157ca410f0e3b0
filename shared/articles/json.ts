/**
 * `.json`: one object with the Markdown front-matter fields plus `content` (HTML) or
 * `text` (plain text, blank-line separated paragraphs). Titles and summaries may carry
 * HTML entities or tags, as CMS exports write them; they are reduced to plain text.
 */
import * as z from 'zod/mini';
import { ArticleRejectedError } from './errors.ts';
import {
  type ArticleFields,
  articleFieldsSchema,
  fieldsFromFile,
  firstFieldProblem,
  isRecord,
  misspelled,
  unknownFieldWarnings,
  zonelessDateWarnings,
} from './fields.ts';
import {
  htmlToText,
  INVISIBLE_TITLE,
  isBlank,
  lineAt,
  paragraphsToHtml,
  quote,
  splitParagraphs,
} from './text.ts';
import './zod-messages.ts';

const jsonArticleSchema = z.extend(articleFieldsSchema, {
  content: z.nullish(z.string({ error: 'expected a string of HTML' })),
  text: z.nullish(z.string({ error: 'expected a string of plain text' })),
});

/** Why a file has no title: none given, or given under a misspelled key. */
function noTitle(misspelled: string | undefined): string {
  return misspelled
    ? `no title: ${quote(misspelled)} is no field: did you mean "title"?`
    : 'no title: set a non-empty "title" field';
}

/** A key of the object that was most likely meant to be `title` (`titel`, `Title`). */
function misspelledTitle(value: Record<string, unknown>): string | undefined {
  return misspelled(value, Object.keys(jsonArticleSchema.shape), 'title');
}

export function parseJson(source: string): { fields: ArticleFields; warnings: string[] } {
  const value = parseJsonText(source);
  if (!isRecord(value)) {
    const got = Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value;
    throw new ArticleRejectedError(
      'bad-json',
      `expected one JSON object ({ "title": ... }), got ${got}`,
    );
  }
  const result = jsonArticleSchema.safeParse(value);
  if (!result.success) {
    const problem = firstFieldProblem(result.error, value);
    throw new ArticleRejectedError('invalid-field', problem.message, { cause: result.error });
  }
  const data = result.data;
  const title = data.title ? htmlToText(data.title, 'field "title"') : '';
  if (isBlank(title))
    throw new ArticleRejectedError(
      'no-title',
      title === ''
        ? noTitle(misspelledTitle(value))
        : `no title: the "title" field has nothing visible in it (${INVISIBLE_TITLE})`,
    );
  const warnings: string[] = [];
  if (data.content != null && data.text != null)
    warnings.push('both "content" and "text" are set; used "content"');
  const html =
    data.content ??
    paragraphsToHtml(splitParagraphs((data.text ?? '').replace(/\r\n?/g, '\n'), 'field "text"'));
  const summary = data.summary ? htmlToText(data.summary, 'field "summary"') : undefined;
  const merged = fieldsFromFile(data, { title, html, ...(summary ? { summary } : {}) });
  const known = Object.keys(jsonArticleSchema.shape);
  return {
    fields: merged.fields,
    warnings: [
      ...unknownFieldWarnings(value, known),
      ...zonelessDateWarnings(value),
      ...warnings,
      ...merged.warnings,
    ],
  };
}

function parseJsonText(source: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ArticleRejectedError('bad-json', `not valid JSON: ${locate(message, source)}`, {
      cause,
    });
  }
  const duplicate = duplicateKeyOf(source);
  if (duplicate)
    throw new ArticleRejectedError(
      'bad-json',
      `not valid JSON for an article: ${JSON.stringify(duplicate.key)} is set twice${lineAndColumn(source, duplicate.at)}: keep one`,
    );
  return value;
}

const V8_POSITION = / (?:in JSON )?at position (\d+).*$/s;

/**
 * V8's reason, with where it is as a line and a column: V8 says `at position 42`, or only
 * quotes a snippet (an unquoted word, a literal cut short), and then the first place the
 * text stops being JSON is found (jsonErrorAt). A token JSON never has outside strings, or a
 * comma before a closing bracket, is named for what it usually is.
 */
function locate(message: string, source: string): string {
  const stated = V8_POSITION.exec(message)?.[1];
  const bare = message
    .replace(V8_POSITION, '')
    .replace(/, .*is not valid JSON$/s, '')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a line break V8 quotes is named
    .replace(/[\u0000-\u001f]/g, (c) => JSON.stringify(c).slice(1, -1));
  const position = stated !== undefined ? Number(stated) : jsonErrorAt(source);
  if (position === undefined) return bare;
  return `${bare}${lineAndColumn(source, position)}${hintAt(source, position)}`;
}

/** ` at line L, column C` of a position in `source` (decoding made every line end `\n`). */
function lineAndColumn(source: string, position: number): string {
  const column = position - source.lastIndexOf('\n', position - 1);
  return ` at line ${lineAt(source, position)}, column ${column}`;
}

function hintAt(source: string, position: number): string {
  const char = source.charAt(position);
  if ((char === '}' || char === ']') && /,\s*$/.test(source.slice(0, position).slice(-200)))
    return ' (a trailing comma?)';
  return TOKEN_HINTS[char] ?? '';
}

const TOKEN_HINTS: Readonly<Record<string, string>> = {
  '/': ' (JSON has no comments)',
  N: ' (JSON has no NaN: use null or a number)',
  I: ' (JSON has no Infinity: use null or a number)',
  u: ' (JSON has no undefined: use null, or leave the field out)',
  "'": ' (JSON strings take double quotes)',
};

const LITERALS = ['true', 'false', 'null'];
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrt';

/**
 * Where `source` first stops being JSON (RFC 8259), or undefined if it is JSON: one pass, no
 * recursion (nesting depth costs nothing), for the reasons V8 gives without a position.
 */
export function jsonErrorAt(source: string): number | undefined {
  return scanJson(source, false).error;
}

/**
 * The first key an object of `source` (JSON) names twice, and where: JSON.parse keeps the last
 * silently, and front matter refuses them, so a JSON file does too.
 */
export function duplicateKeyOf(source: string): { key: string; at: number } | undefined {
  return scanJson(source, true).duplicate;
}

function scanJson(
  source: string,
  findDuplicates: boolean,
): { error?: number; duplicate?: { key: string; at: number } } {
  const closers: string[] = [];
  // Each open object's keys so far (undefined for an array), beside `closers`.
  const keys: (Set<string> | undefined)[] = [];
  let i = 0;
  let want: 'value' | 'key' | 'colon' | 'next' = 'value';
  const skipSpace = () => {
    while (i < source.length && ' \t\n\r'.includes(source.charAt(i))) i++;
  };
  for (;;) {
    skipSpace();
    if (i >= source.length) return want === 'next' && closers.length === 0 ? {} : { error: i };
    const c = source.charAt(i);
    if (want === 'next') {
      if (closers.length === 0) return { error: i };
      const closer = closers[closers.length - 1];
      if (c === closer) {
        closers.pop();
        keys.pop();
        i++;
      } else if (c === ',') {
        i++;
        want = closer === '}' ? 'key' : 'value';
      } else return { error: i };
    } else if (want === 'colon') {
      if (c !== ':') return { error: i };
      i++;
      want = 'value';
    } else if (c === '"') {
      const end = stringEnd(source, i);
      if (end < 0) return { error: -end - 1 };
      if (want === 'key' && findDuplicates) {
        const raw = source.slice(i + 1, end - 1);
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        const seen = keys[keys.length - 1];
        if (seen?.has(key)) return { duplicate: { key, at: i } };
        seen?.add(key);
      }
      want = want === 'key' ? 'colon' : 'next';
      i = end;
    } else if (want === 'key') {
      return { error: i };
    } else if (c === '{' || c === '[') {
      i++;
      skipSpace();
      const closer = c === '{' ? '}' : ']';
      if (source.charAt(i) === closer) {
        i++;
        want = 'next';
      } else {
        closers.push(closer);
        keys.push(c === '{' ? new Set() : undefined);
        want = c === '{' ? 'key' : 'value';
      }
    } else {
      NUMBER.lastIndex = i;
      const literal = LITERALS.find((word) => source.startsWith(word, i));
      const length = literal?.length ?? (NUMBER.test(source) ? NUMBER.lastIndex - i : 0);
      if (length === 0) return { error: i + literalPrefix(source, i) };
      i += length;
      want = 'next';
    }
  }
}

/** How much of a literal (`true`, …) `source` spells at `at` before it goes wrong: V8 names that character. */
function literalPrefix(source: string, at: number): number {
  const word = LITERALS.find((literal) => literal.charAt(0) === source.charAt(at)) ?? '';
  let n = 0;
  while (n < word.length && source.charAt(at + n) === word.charAt(n)) n++;
  return n;
}

/** The end of the string starting at `start` (its closing quote + 1), or -(error + 1). */
function stringEnd(source: string, start: number): number {
  for (let i = start + 1; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return -(i + 1);
    if (c !== 0x5c) continue;
    const escaped = source.charAt(i + 1);
    if (escaped === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) return -(i + 1);
      i += 5;
    } else if (ESCAPES.includes(escaped) && escaped !== '') i += 1;
    else return -(i + 1);
  }
  return -(source.length + 1);
}
