/**
 * marked with a work budget. marked is linear on the Markdown people write, but some of its
 * regexes scan to the end of a paragraph and fail, once per `*`, `[`, `` ` ``, `<!--`… that
 * has no partner, and a list item is re-scanned once per line: 100 KB of `*a` or of lazy
 * list lines takes it seconds to minutes. We cannot change marked, so a lexer subclass
 * charges every tokenizer call what it may scan (what it consumed when it matches; the
 * distance its regex can run when it fails) and every re-lexed container, and stops with
 * MarkdownTooComplexError once the total passes a budget linear in the input. Markdown
 * within the budget renders exactly as marked renders it.
 */
import { Marked, type MarkedOptions } from 'marked';
import { meteredLexer } from './markdown-lexer.ts';
import { MarkdownMeter } from './markdown-meter.ts';

/** The meter of the render in progress (renders are synchronous, one at a time). */
let active: MarkdownMeter | undefined;
const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  hooks: {
    provideLexer() {
      const block = this.block;
      return (src, options) => {
        const meter = active ?? new MarkdownMeter(src.length);
        const lexer = meteredLexer((options ?? {}) as unknown as MarkedOptions, meter);
        return block ? lexer.lex(src) : lexer.inlineTokens(src);
      };
    },
  },
});

/**
 * Markdown → HTML with marked (GFM), a block or (`inline`) a line. Throws
 * MarkdownTooComplexError past the budget or nested too deeply (RangeError if marked's own
 * recursion overflows first). `steps` is the work charged, for tests.
 */
export function renderMarkdown(markdown: string, inline = false): { html: string; steps: number } {
  const meter = new MarkdownMeter(markdown.length);
  active = meter;
  try {
    const html = inline ? marked.parseInline(markdown) : marked.parse(markdown);
    if (typeof html !== 'string')
      throw new Error('marked returned a promise; async extensions are not supported');
    return { html, steps: meter.steps };
  } finally {
    active = undefined;
  }
}
