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
  misspelled,
  unknownFieldWarnings,
  zonelessDateWarnings,
} from './fields.ts';
import {
  definitionsAsText,
  extractFootnotes,
  Fences,
  FOOTNOTE_REFERENCE,
  type Footnotes,
  finishFootnotes,
} from './footnotes.ts';
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
  // The notes first: a reference to one in the heading is no part of the title.
  const footnotes = extractFootnotes(split.body, bodyLine);
  const headingText = heading
    ? withoutNoteReferences(htmlToText(renderInline(heading.text, headingLine)), footnotes)
    : '';
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
            : noTitle(front),
    );
  }
  const repeats = heading !== undefined && sameHeadline(headingText, title);
  const body = repeats
    ? split.body
        .split('\n')
        .slice(heading.endLine + 1)
        .join('\n')
    : split.body;
  // The same lines, less the notes' definitions (extraction keeps the lines where they were).
  const bodyLines = footnotes.body.split('\n');
  const notedBody = repeats ? bodyLines.slice(heading.endLine + 1).join('\n') : footnotes.body;
  const summary = data.summary ? fieldText(data.summary, 'summary', fieldWarnings) : undefined;
  const bodyStart = lineAt(text, text.length - body.length);
  const noteWarnings: string[] = [];
  const html = renderWithNotes(body, bodyStart, { ...footnotes, body: notedBody }, noteWarnings);
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
      ...noteWarnings,
      ...shortcodeWarnings(body),
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
 * Hugo shortcodes (`{{< youtube id >}}`, `{{% note %}}`) in the Markdown, outside code: an
 * import from Hugo shows them as written (`{{<youtube id>}}`, with no space, is read as an HTML
 * tag and removed), so the report names them (each once, at most 5). Code is told by its
 * fences, indentation and one-line spans (a shortcode in a rarer kind of code is named too).
 */
function shortcodeWarnings(markdown: string): string[] {
  if (!markdown.includes('{{')) return [];
  const found = new Map<string, string>();
  eachTextOutsideCode(markdown, (text) => {
    for (const match of text.matchAll(SHORTCODE))
      if (found.size < 5 && !found.has(match[2] ?? '')) found.set(match[2] ?? '', match[1] ?? '<');
  });
  return [...found].map(([name, delimiter]) => {
    const written = delimiter === '%' ? `{{% ${name} … %}}` : `{{< ${name} … >}}`;
    return `Hugo shortcode "${name}" (${written}) is not supported: it shows as written; write it as Markdown or HTML (a link, an image, a <video>)`;
  });
}

/**
 * Each run of `markdown`'s text outside code (fenced and indented blocks, one-line spans) of a
 * line holding `{{`.
 */
function eachTextOutsideCode(markdown: string, visit: (text: string) => void): void {
  const fences = new Fences();
  let previousBlank = true;
  let indented = false;
  for (const line of markdown.split('\n')) {
    const blank = line.trim() === '';
    // An indented code block starts after a blank line and goes on while lines are indented
    // or blank (a list's indented paragraph reads as one too: named nothing).
    indented = INDENTED_CODE.test(line) && (previousBlank || indented);
    previousBlank = blank;
    if (fences.inFence(line) || indented || blank || !line.includes('{{')) continue;
    let at = 0;
    for (const span of line.matchAll(CODE_SPAN)) {
      visit(line.slice(at, span.index));
      at = span.index + span[0].length;
    }
    visit(line.slice(at));
  }
}

const SHORTCODE = /\{\{([<%]|&lt;)[ \t]{0,8}\/?[ \t]{0,8}([\w-]{1,40})/g;
const CODE_SPAN = /`[^`\n]{0,1000}`/g;
const INDENTED_CODE = /^(?: {4}|\t)/;

/** The marker a note's Markdown follows in the one render of body and notes (renderWithNotes). */
const noteMarker = (at: number) => `<!--feedpub-footnote-${at}-->`;

/**
 * The body rendered with its footnotes (footnotes.ts): body and notes in one render, each
 * note after a marker, cut apart at the markers. When a marker does not come through as
 * itself (a code fence left open runs into the notes), the body as written, without
 * footnotes, and a warning.
 */
function renderWithNotes(
  body: string,
  bodyStart: number,
  footnotes: Footnotes,
  warnings: string[],
): string {
  const bodyWhere = (markdown: string) => (offset: number) =>
    `line ${bodyStart + lineAt(markdown, offset) - 1}`;
  let combined = footnotes.body;
  const starts: { offset: number; line: number; markdown: string }[] = [];
  for (const [at, { line, markdown }] of footnotes.notes.entries()) {
    combined += `\n\n${noteMarker(at)}\n\n`;
    starts.push({ offset: combined.length, line, markdown });
    combined += markdown;
  }
  const where = (offset: number) => {
    const note = starts.findLast((start) => start.offset <= offset);
    return note
      ? `line ${note.line + lineAt(note.markdown, offset - note.offset) - 1} (a footnote)`
      : bodyWhere(footnotes.body)(offset);
  };
  const html = renderBlock(combined, where);
  const parts = cutAtMarkers(html, footnotes.notes.length);
  if (!parts) {
    warnings.push('footnotes kept as written: a code fence left open runs into their definitions');
    const asText = definitionsAsText(body);
    return renderBlock(asText, bodyWhere(asText));
  }
  warnings.push(...footnotes.warnings);
  const [bodyHtml = '', ...notes] = parts;
  return finishFootnotes(bodyHtml, footnotes, notes, warnings);
}

/**
 * `html` cut at the notes' markers, in one scan: the body and each note, or undefined unless
 * every marker came through as itself, once, in order.
 */
function cutAtMarkers(html: string, count: number): string[] | undefined {
  const parts: string[] = [];
  let from = 0;
  let next = 0;
  for (const match of html.matchAll(NOTE_MARKER)) {
    if (Number(match[1]) !== next) return undefined;
    parts.push(html.slice(from, match.index));
    from = match.index + match[0].length;
    next += 1;
  }
  if (next !== count) return undefined;
  parts.push(html.slice(from));
  return parts;
}

const NOTE_MARKER = /<!--feedpub-footnote-(\d{1,4})-->/g;

/** A title without references to the file's notes (`Quay fire[^1]`: `Quay fire`). */
function withoutNoteReferences(title: string, footnotes: Footnotes): string {
  if (footnotes.notes.length === 0) return title;
  const defined = new Set(footnotes.notes.map((note) => note.key));
  return title
    .replace(FOOTNOTE_REFERENCE, (whole, label: string) =>
      defined.has(label.toLowerCase()) ? '' : whole,
    )
    .trim();
}

/** Why a file has no title: none given, or given under a misspelled key (`titel:`, `Title:`). */
function noTitle(front: FrontMatter): string {
  const key = misspelled(front.data, Object.keys(articleFieldsSchema.shape), 'title');
  return key
    ? `${where(front.lineOf([key]) ?? 1)}: no title: ${quote(`${key}:`)} is no field: did you mean "title:"?`
    : 'no title: set "title:" in the front matter or start the text with a "# Heading" line';
}

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
