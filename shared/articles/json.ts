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
  unknownFieldWarnings,
} from './fields.ts';
import { htmlToText, INVISIBLE_TITLE, isBlank, paragraphsToHtml, splitParagraphs } from './text.ts';
import './zod-messages.ts';

const jsonArticleSchema = z.extend(articleFieldsSchema, {
  content: z.nullish(z.string({ error: 'expected a string of HTML' })),
  text: z.nullish(z.string({ error: 'expected a string of plain text' })),
});

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
        ? 'no title: set a non-empty "title" field'
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
    warnings: [...unknownFieldWarnings(value, known), ...warnings, ...merged.warnings],
  };
}

function parseJsonText(source: string): unknown {
  try {
    return JSON.parse(source);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ArticleRejectedError('bad-json', `not valid JSON: ${locate(message, source)}`, {
      cause,
    });
  }
}

/** V8 says `at position 42` (editors want a line and a column) or quotes a snippet. */
function locate(message: string, source: string): string {
  const at = (position: number) => {
    const before = source.slice(0, position);
    return ` at line ${before.split('\n').length}, column ${position - before.lastIndexOf('\n')}`;
  };
  const located = message.replace(/ (?:in JSON )?at position (\d+).*$/s, (_, position: string) =>
    at(Number(position)),
  );
  const bare = located.replace(/, .*is not valid JSON$/s, '');
  if (/^Unexpected token '[\]}]'$/.test(bare)) return `${bare} (a trailing comma?)`;
  // Only a snippet: a token JSON never has outside strings is found there, and named for what
  // it usually is (a comma or a bracket could be any of many).
  const token = /^Unexpected token '(.)'$/s.exec(bare)?.[1];
  const hint = token === undefined ? undefined : TOKEN_HINTS[token];
  if (token === undefined || hint === undefined) return bare;
  const position = outsideStrings(source, token);
  return `${bare}${position === undefined ? '' : at(position)}${hint}`;
}

const TOKEN_HINTS: Readonly<Record<string, string>> = {
  '/': ' (JSON has no comments)',
  N: ' (JSON has no NaN: use null or a number)',
  I: ' (JSON has no Infinity: use null or a number)',
  u: ' (JSON has no undefined: use null, or leave the field out)',
  "'": ' (JSON strings take double quotes)',
};

/** Where `char` first stands outside a string in `source`; none if it does not. */
function outsideStrings(source: string, char: string): number | undefined {
  let inString = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === char) return i;
  }
  return undefined;
}
