/**
 * `.md` / `.markdown`: optional YAML front matter, then a Markdown body rendered with
 * marked (GFM). Without a front-matter title, a first `# Heading` (or setext heading) is
 * the title; a first heading that repeats the title is dropped from the body either way.
 */
import { ArticleRejectedError } from './errors.ts';
import {
  type ArticleFields,
  articleFieldsSchema,
  fieldsFromFile,
  firstFieldProblem,
  unknownFieldWarnings,
  zonelessDateWarnings,
} from './fields.ts';
import { extractFootnotes, inText } from './footnotes.ts';
import { type FrontMatter, parseFrontMatter, splitFrontMatter, where } from './front-matter.ts';
import { renderMarkdown } from './markdown-budget.ts';
import { MarkdownTooComplexError } from './markdown-meter.ts';
import {
  fieldText,
  htmlToText,
  INVISIBLE_TITLE,
  isBlank,
  lineAt,
  quote,
  sameHeadline,
  warnOfMarkup,
} from './text.ts';

const SETEXT_UNDERLINE = /^ {0,3}=+[ \t]*$/;

/**
 * Where front matter starts after blank lines (a `---` line, then a `key:` line), which
 * splitFrontMatter does not read as front matter; none when the file does not start so.
 */
function lateFrontMatter(text: string): number | undefined {
  const lines = text.split('\n', 64);
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first < 1 || lines[first]?.trimEnd() !== '---') return undefined;
  return /^[\w-]+:/.test(lines[first + 1] ?? '') ? first + 1 : undefined;
}

export function parseMarkdown(text: string): { fields: ArticleFields; warnings: string[] } {
  const split = splitFrontMatter(text);
  const front: FrontMatter =
    split.yaml === undefined
      ? { data: {}, lineOf: () => undefined, warnings: [] }
      : parseFrontMatter(split.yaml);
  const result = articleFieldsSchema.safeParse(front.data);
  if (!result.success) {
    const problem = firstFieldProblem(result.error, front.data);
    const line = front.lineOf(problem.path);
    const prefix = line === undefined ? 'front matter' : where(line);
    throw new ArticleRejectedError('invalid-field', `${prefix}: ${problem.message}`, {
      cause: result.error,
    });
  }
  const data = result.data;
  const heading = firstHeading(split.body);
  const fieldWarnings: string[] = [];
  const fromFile = data.title ? fieldText(data.title, 'title', fieldWarnings) : '';
  const bodyLine = lineAt(text, text.length - split.body.length);
  const headingLine = heading ? `line ${bodyLine + heading.line}` : '';
  const headingText = heading ? htmlToText(renderInline(heading.text, headingLine)) : '';
  const title = fromFile || headingText;
  // The heading is the title: text that reads as a tag in it is said to be gone, as in `title:`.
  if (heading && !fromFile)
    warnOfMarkup(heading.text, `${headingLine}: the heading`, fieldWarnings);
  if (isBlank(title)) {
    throw new ArticleRejectedError(
      'no-title',
      title !== ''
        ? `no title: the title has nothing visible in it (${INVISIBLE_TITLE})`
        : data.title && !isBlank(data.title)
          ? `${where(front.lineOf(['title']) ?? 1)}: no title: "title:" ${quote(data.title)} is only markup, and a title is plain text (markup is removed): write the headline itself`
          : split.yaml === undefined && lateFrontMatter(text) !== undefined
            ? `line ${lateFrontMatter(text)}: front matter must start on the first line; blank lines come before its ---, so it was read as text (no title)`
            : 'no title: set "title:" in the front matter or start the text with a "# Heading" line',
    );
  }
  const repeats = heading !== undefined && sameHeadline(headingText, title);
  const body = repeats
    ? split.body
        .split('\n')
        .slice(heading.endLine + 1)
        .join('\n')
    : split.body;
  const summary = data.summary ? fieldText(data.summary, 'summary', fieldWarnings) : undefined;
  const bodyStart = lineAt(text, text.length - body.length);
  const footnotes = extractFootnotes(body, bodyStart);
  const html = footnotes.finish(
    renderBlock(
      footnotes.body,
      (offset) => `line ${bodyStart + lineAt(footnotes.body, offset) - 1}`,
    ),
    (markdown, line) => renderBlock(markdown, () => `line ${line} (a footnote)`),
  );
  const { fields, warnings } = fieldsFromFile(data, {
    title,
    html,
    ...(summary ? { summary } : {}),
  });
  const known = Object.keys(articleFieldsSchema.shape);
  return {
    fields,
    warnings: [
      ...front.warnings,
      ...unknownFieldWarnings(front.data, known),
      ...zonelessDateWarnings(front.data),
      ...fieldWarnings,
      ...footnotes.warnings,
      ...shortcodeWarnings(html),
      ...warnings,
      ...(EMPTY_ALT.test(body)
        ? [
            'an image in the text has no alt text (![](…)): screen readers get nothing of it; describe it between the brackets',
          ]
        : []),
    ],
  };
}

/**
 * Hugo shortcodes (`{{< youtube id >}}`, `{{% note %}}`) in a rendered body's text: an
 * import from Hugo shows them as written, so the report names them (each once, at most 5).
 */
export function shortcodeWarnings(html: string): string[] {
  if (!html.includes('{{')) return [];
  const names = new Set<string>();
  inText(html, (text) => {
    for (const match of text.matchAll(SHORTCODE)) if (names.size < 5) names.add(match[1] ?? '');
    return text;
  });
  return [...names].map(
    (name) =>
      `Hugo shortcode "${name}" ({{< ${name} … >}}) is not supported: it shows as written; write it as Markdown or HTML (a link, an image, a <video>)`,
  );
}

const SHORTCODE = /\{\{(?:&lt;|%)[ \t]{0,8}\/?[ \t]{0,8}([\w-]{1,40})/g;

/** A Markdown image with nothing between its brackets: `![](photo.jpg)`. */
const EMPTY_ALT = /!\[[ \t]*\]\(/;

/** The first non-blank block of the body, if it is a level-1 heading (`line` counts from 0). */
function firstHeading(body: string): { text: string; line: number; endLine: number } | undefined {
  const lines = body.split('\n');
  const start = lines.findIndex((line) => line.trim() !== '');
  if (start === -1) return undefined;
  const line = lines[start] ?? '';
  const atx = atxHeadingText(line);
  if (atx) return { text: atx, line: start, endLine: start };
  const next = lines[start + 1];
  if (next !== undefined && SETEXT_UNDERLINE.test(next))
    return { text: line.trim(), line: start, endLine: start + 1 };
  return undefined;
}

/**
 * The text of a level-1 ATX heading line, exactly as `/^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/`
 * captures it, without that regex's quadratic backtracking on long runs of blanks.
 */
export function atxHeadingText(line: string): string | undefined {
  let at = 0;
  while (at < 3 && line.charCodeAt(at) === 0x20) at += 1;
  if (line.charCodeAt(at) !== 0x23) return undefined;
  const afterHash = at + 1;
  let start = afterHash;
  while (isBlankChar(line.charCodeAt(start))) start += 1;
  if (start === afterHash) return undefined;
  // `.` stops at line terminators, and only blanks and `#` may follow the text.
  if (LINE_TERMINATOR.test(line)) return undefined;
  let end = line.length;
  while (end > start && isBlankChar(line.charCodeAt(end - 1))) end -= 1;
  // Blanks only: the lazy group takes the last blank, if the `[ \t]+` keeps one.
  if (end === start) return start - afterHash >= 2 ? line.slice(start - 1, start) : undefined;
  let hashes = end;
  while (hashes > start && line.charCodeAt(hashes - 1) === 0x23) hashes -= 1;
  let blanks = hashes;
  while (blanks > start && isBlankChar(line.charCodeAt(blanks - 1))) blanks -= 1;
  const closingSequence = hashes < end && blanks < hashes && blanks > start;
  return line.slice(start, closingSequence ? blanks : end);
}

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const isBlankChar = (code: number) => code === 0x20 || code === 0x09;

function renderBlock(markdown: string, where: (offset: number) => string): string {
  return render(
    () => renderMarkdown(markdown).html,
    (offset) => (offset === undefined ? 'body' : where(offset)),
  );
}

function renderInline(markdown: string, where: string): string {
  return render(
    () => renderMarkdown(markdown, true).html,
    () => where,
  );
}

/**
 * marked within a work budget (see markdown-budget.ts); it also recurses per nesting level,
 * so `>` × 5,000 overflows the stack.
 */
function render(run: () => string, where: (offset: number | undefined) => string): string {
  try {
    return run();
  } catch (cause) {
    if (cause instanceof MarkdownTooComplexError) {
      throw new ArticleRejectedError('too-complex', `${where(cause.offset)}: ${cause.detail}`, {
        cause,
      });
    }
    const deep = cause instanceof RangeError;
    const message = deep
      ? 'Markdown is nested too deeply to render'
      : 'Markdown could not be rendered';
    throw new ArticleRejectedError(deep ? 'too-complex' : 'bad-markdown', message, { cause });
  }
}
