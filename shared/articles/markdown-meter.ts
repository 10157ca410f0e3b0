/**
 * What one Markdown render may spend (see markdown-lexer.ts for what is charged): steps of
 * work, within a budget linear in the input, and counts of blocks, tokens and characters
 * the HTML will escape, within fixed limits.
 */
import { MAX_HTML_REFERENCES } from './html-depth.ts';
import {
  containerNesting,
  inlineNesting,
  NESTING_HINT_DEPTH,
  nestedTooDeeply,
  UNPAIRED_MARKS_HINT,
} from './markdown-nesting.ts';
import type { WorkMeter } from './work-meter.ts';

/** Budget: this many characters scanned per input character, plus a constant. */
export const MARKDOWN_WORK_PER_CHARACTER = 40;
export const MARKDOWN_WORK_BASE = 10_000_000;
/**
 * Paragraphs, headings, table cells and list items: ~10 µs each to lex and render. 1 MiB
 * of wire copy in 20,000 paragraphs stays below.
 */
export const MAX_MARKDOWN_BLOCKS = 25_000;
/** Tokens of any kind (blocks, links, emphases, text runs…). */
export const MAX_MARKDOWN_TOKENS = 60_000;
/**
 * Containers (block quotes, list items) nested deeper than this are rejected before marked's
 * own recursion overflows the stack a little later: their HTML would be too deep anyway.
 */
export const MAX_MARKDOWN_NESTING = 200;

export class MarkdownTooComplexError extends Error {
  /** What was wrong (marked appends a bug-report line to `message`). */
  readonly detail: string;
  /** Offset in the rendered Markdown of the top-level block being lexed, if known. */
  readonly offset: number | undefined;

  constructor(detail: string, offset: number | undefined) {
    super(detail);
    this.name = 'MarkdownTooComplexError';
    this.detail = detail;
    this.offset = offset;
  }
}

/** What one render may spend; `steps` is the work charged so far. */
export class MarkdownMeter implements WorkMeter {
  steps = 0;
  tokens = 0;
  blocks = 0;
  references = 0;
  /** Offset of the top-level block being lexed, to say where the budget ran out. */
  offset: number | undefined;
  /** The Markdown whose blocks are being lexed (what `offset` counts in). */
  document: string | undefined;
  /** The outermost inline run being lexed (a paragraph, heading or cell), if any. */
  inline: string | undefined;
  readonly limit: number;

  constructor(inputLength: number) {
    this.limit = MARKDOWN_WORK_BASE + MARKDOWN_WORK_PER_CHARACTER * inputLength;
  }

  /** Charges `steps`; past the budget, says why (`cause`, when the caller knows it). */
  charge(steps: number, cause?: string): void {
    this.steps += steps;
    if (this.steps > this.limit) {
      if (cause !== undefined) throw new MarkdownTooComplexError(cause, this.offset);
      // Deep nesting costs as unpaired marks do: say which it was.
      throw this.nested() ?? new MarkdownTooComplexError(UNPAIRED_MARKS_HINT, this.offset);
    }
  }

  /**
   * The error for Markdown nested too deeply, if the inline run being lexed, or else the
   * top-level block, is nested {@link NESTING_HINT_DEPTH} levels or deeper: how deep, and
   * (for blocks) the line where it is deepest.
   */
  nested(): MarkdownTooComplexError | undefined {
    if (this.inline !== undefined) {
      const { what, depth } = inlineNesting(this.inline);
      if (depth < NESTING_HINT_DEPTH) return undefined;
      return new MarkdownTooComplexError(nestedTooDeeply(what, `${depth}`), this.offset);
    }
    if (this.document === undefined || this.offset === undefined) return undefined;
    const { depth, at } = containerNesting(this.document, this.offset);
    if (depth < NESTING_HINT_DEPTH) return undefined;
    return new MarkdownTooComplexError(nestedTooDeeply('block quotes and lists', `${depth}`), at);
  }

  /** Gives back steps charged in advance for work that turned out smaller. */
  refund(steps: number): void {
    this.steps -= steps;
  }

  /**
   * Notes text the renderer will escape: each `&<>"'` becomes a character reference, and
   * HTML with more than {@link MAX_HTML_REFERENCES} is rejected later anyway, after marked
   * spent ~0.5 µs on each.
   */
  escapes(text: string): void {
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      if (code === 0x26 || code === 0x3c || code === 0x3e || code === 0x22 || code === 0x27)
        this.references += 1;
    }
    if (this.references > MAX_HTML_REFERENCES) {
      throw new MarkdownTooComplexError(
        `text has more than ${MAX_HTML_REFERENCES} characters that HTML escapes (&, <, >, ", ')`,
        this.offset,
      );
    }
  }

  /** Counts a paragraph, heading, list item or table cell: a run of inline text. */
  block(): void {
    this.blocks += 1;
    if (this.blocks > MAX_MARKDOWN_BLOCKS) {
      throw new MarkdownTooComplexError(
        `Markdown has more than ${MAX_MARKDOWN_BLOCKS} paragraphs, headings, list items and table cells; split the article`,
        this.offset,
      );
    }
  }

  count(token: unknown): void {
    if (!token) return;
    this.tokens += 1;
    if (this.tokens > MAX_MARKDOWN_TOKENS) {
      throw new MarkdownTooComplexError(
        `Markdown has more than ${MAX_MARKDOWN_TOKENS} tokens (blocks, links, emphases, text runs); split the article`,
        this.offset,
      );
    }
  }
}
