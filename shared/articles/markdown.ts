/**
 * `.md` / `.markdown`: optional YAML front matter, then a Markdown body rendered with
 * marked (GFM). Without a front-matter title, a first `# Heading` (or setext heading) is
 * the title; a first heading that repeats the title is dropped from the body either way.
 */
import { Marked } from 'marked';
import { ArticleRejectedError } from './errors.ts';
import {
  type ArticleFields,
  articleFieldsSchema,
  fieldsFromFile,
  firstFieldProblem,
  unknownFieldWarnings,
} from './fields.ts';
import { type FrontMatter, parseFrontMatter, splitFrontMatter, where } from './front-matter.ts';
import { htmlToText, isBlank, sameHeadline } from './text.ts';

const marked = new Marked({ gfm: true, breaks: false, async: false });
const ATX_HEADING = /^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}=+[ \t]*$/;

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
  const fromFile = data.title ? htmlToText(data.title, 'field "title"') : '';
  const title = fromFile || (heading ? htmlToText(renderInline(heading.text)) : '');
  if (isBlank(title)) {
    throw new ArticleRejectedError(
      'no-title',
      'no title: set "title:" in the front matter or start the text with a "# Heading" line',
    );
  }
  const repeats =
    heading !== undefined && sameHeadline(htmlToText(renderInline(heading.text)), title);
  const body = repeats
    ? split.body
        .split('\n')
        .slice(heading.endLine + 1)
        .join('\n')
    : split.body;
  const summary = data.summary ? htmlToText(data.summary, 'field "summary"') : undefined;
  const { fields, warnings } = fieldsFromFile(data, {
    title,
    html: renderBlock(body),
    ...(summary ? { summary } : {}),
  });
  const known = Object.keys(articleFieldsSchema.shape);
  return {
    fields,
    warnings: [...front.warnings, ...unknownFieldWarnings(front.data, known), ...warnings],
  };
}

/** The first non-blank block of the body, if it is a level-1 heading. */
function firstHeading(body: string): { text: string; endLine: number } | undefined {
  const lines = body.split('\n');
  const start = lines.findIndex((line) => line.trim() !== '');
  if (start === -1) return undefined;
  const line = lines[start] ?? '';
  const atx = ATX_HEADING.exec(line);
  if (atx?.[1]) return { text: atx[1], endLine: start };
  const next = lines[start + 1];
  if (next !== undefined && SETEXT_UNDERLINE.test(next))
    return { text: line.trim(), endLine: start + 1 };
  return undefined;
}

function renderBlock(markdown: string): string {
  return render(() => marked.parse(markdown));
}

function renderInline(markdown: string): string {
  return render(() => marked.parseInline(markdown));
}

/** marked recurses per nesting level: `>` × 5,000 overflows the stack. */
function render(run: () => string | Promise<string>): string {
  let output: string | Promise<string>;
  try {
    output = run();
  } catch (cause) {
    const deep = cause instanceof RangeError;
    const message = deep
      ? 'Markdown is nested too deeply to render'
      : 'Markdown could not be rendered';
    throw new ArticleRejectedError(deep ? 'too-complex' : 'bad-markdown', message, { cause });
  }
  if (typeof output !== 'string')
    throw new Error('marked returned a promise; async extensions are not supported');
  return output;
}
