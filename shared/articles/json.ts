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
  const located = message.replace(/ (?:in JSON )?at position (\d+).*$/s, (_, position: string) => {
    const before = source.slice(0, Number(position));
    const line = before.split('\n').length;
    const column = Number(position) - before.lastIndexOf('\n');
    return ` at line ${line}, column ${column}`;
  });
  const bare = located.replace(/, .*is not valid JSON$/s, '');
  return /^Unexpected token '[\]}]'$/.test(bare) ? `${bare} (a trailing comma?)` : bare;
}
