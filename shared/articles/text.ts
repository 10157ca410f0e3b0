import sanitizeHtml from 'sanitize-html';
import { ArticleRejectedError } from './errors.ts';
import {
  assertHtmlDepth,
  type HtmlLimits,
  isTagsAndSpaceOnly,
  MAX_HTML_MARKUP,
  MAX_HTML_REFERENCES,
} from './html-depth.ts';
import { cutAt } from './slug.ts';

/** Longest title, in UTF-16 code units, ellipsis included. */
export const MAX_TITLE_LENGTH = 200;
/** Longest summary made from the article's first paragraph. */
export const MAX_SUMMARY_LENGTH = 300;

/**
 * Characters XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates)
 * plus DEL, the C1 controls and Unicode's other noncharacters (U+FDD0–U+FDEF, the last two
 * of every plane), which no article means to contain and HTML counts as parse errors.
 */
const XML_FORBIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]|[\u{1fffe}\u{1ffff}\u{2fffe}\u{2ffff}\u{3fffe}\u{3ffff}\u{4fffe}\u{4ffff}\u{5fffe}\u{5ffff}\u{6fffe}\u{6ffff}\u{7fffe}\u{7ffff}\u{8fffe}\u{8ffff}\u{9fffe}\u{9ffff}\u{afffe}\u{affff}\u{bfffe}\u{bffff}\u{cfffe}\u{cffff}\u{dfffe}\u{dffff}\u{efffe}\u{effff}\u{ffffe}\u{fffff}\u{10fffe}\u{10ffff}]/gu;
/** Explicit bidi embeddings, overrides and isolates: in a one-line field they only spoof. */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;
const WHITESPACE = /\s+/gu;
/** Whitespace that {@link WHITESPACE} would change: a run, or anything but a plain space. */
const NOT_SINGLE_SPACE = /[^\S ]|\s\s/;
/** What a cut text does not end with before its `…`: spaces, commas, stops (Latin and CJK). */
const JUNK = /[\s,;:.!?\-–—、，،。！？､]/u;
const LONG_MARK_RUN = /(\p{M}{30})\p{M}+/gu;
/** Elements whose content is not text a reader sees; dropped with everything inside. */
export const NON_TEXT_TAGS = [
  'script',
  'style',
  'textarea',
  'option',
  'select',
  'xmp',
  'noscript',
  'noembed',
  'noframes',
  'iframe',
  'template',
  'title',
  'head',
  'object',
  'svg',
  'math',
];
/**
 * What htmlToText accepts: twice the markup of content, since it also reads sanitized
 * content, where every open tag has been given its closing tag (and a stray `<` of the
 * markup became a reference).
 */
const TEXT_LIMITS: HtmlLimits = {
  markup: 2 * MAX_HTML_MARKUP,
  references: MAX_HTML_REFERENCES + MAX_HTML_MARKUP,
};
/** Block-level tags: text on either side of one is separate words. */
const BLOCK_TAG =
  /<(?=\/?(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|li|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul)\b)/gi;
const BASIC_ENTITIES: Readonly<Record<string, string>> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
};

/** Removes every character XML 1.0 forbids (and C1 controls); valid surrogate pairs stay. */
export function removeXmlForbidden(text: string): string {
  return text.replace(XML_FORBIDDEN, '');
}

/**
 * Every run of whitespace (any Unicode space, newlines) becomes one space; trimmed. Chinese and
 * Japanese text keeps its own: a line break between two of its characters (a hard-wrapped
 * line) joins them with no space, as a reader of that script writes them (CSS Text's segment
 * break rule), and an ideographic space (U+3000) alone stays one.
 */
export function collapseWhitespace(text: string): string {
  if (!NOT_SINGLE_SPACE.test(text)) return text.trim();
  // Most text has single spaces only. Otherwise split and join: replacing each run costs
  // ~100 ms per MiB of dense whitespace, four times as much; only CJK text pays that.
  if (!CJK.test(text)) return text.split(WHITESPACE).join(' ').trim();
  return text
    .replace(WHITESPACE, (run, at: number) => {
      if (run === '\u3000') return run;
      if (!run.includes('\n')) return ' ';
      // By code point: a Han character of the supplementary planes (𠮷) is two code units.
      const before = String.fromCodePoint(codePointBefore(text, at) ?? 0x20);
      const after = String.fromCodePoint(text.codePointAt(at + run.length) ?? 0x20);
      return CJK.test(before) && CJK.test(after) ? '' : ' ';
    })
    .trim();
}

/** The code point that ends just before `at`, a surrogate pair whole. */
function codePointBefore(text: string, at: number): number | undefined {
  const last = text.charCodeAt(at - 1);
  if (last >= 0xdc00 && last <= 0xdfff && at >= 2) return text.codePointAt(at - 2);
  return at >= 1 ? last : undefined;
}

/**
 * Chinese and Japanese characters and their punctuation (full-width forms, `ー`), written
 * without spaces between words. Not Hangul: Korean spaces its words.
 */
const CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u3000-\u303f\u30fc\uff01-\uff60]/u;

/**
 * Whether `text` has nothing visible: only whitespace and characters that draw nothing (format
 * characters such as zero-width spaces and joiners, direction marks, the byte-order mark, soft
 * hyphens; Hangul fillers; variation selectors).
 */
export function isBlank(text: string): boolean {
  return INVISIBLE_ONLY.test(text);
}

/** What a title of invisible characters only is made of, as a rejection says it. */
export const INVISIBLE_TITLE = 'only spaces, zero-width or direction characters and the like';

const INVISIBLE_ONLY =
  /^(?:[\s\p{Cf}\u115f\u1160\u3164\uffa0]|\u034f|[\ufe00-\ufe0f]|[\u{e0100}-\u{e01ef}])*$/u;

/** One clean line: XML-safe, no bidi overrides, whitespace collapsed. */
export function plainLine(text: string): string {
  return collapseWhitespace(removeXmlForbidden(text).replace(BIDI_CONTROLS, ''));
}

/**
 * Cuts `text` to at most `max` code units, at a word boundary when one is in the second
 * half, and ends it with `…`. Shorter text is returned as is.
 */
export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = graphemeCut(text, cutAt(text, max - 1).length);
  const atBoundary = !/[\p{L}\p{M}\p{N}]/u.test(text.charAt(cut.length));
  const boundary = lastWordBoundary(cut);
  const head = atBoundary || boundary < max / 2 ? cut : cut.slice(0, boundary);
  return `${trimTrailingJunk(head) || head}…`;
}

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * `text` cut at `end` or before, where a character as readers see it ends: never inside a ZWJ
 * emoji (`👨‍👩‍👧`), a flag's pair of letters, a letter and its marks (Hindi, Arabic). Only the
 * stretch around the cut is segmented: a cluster is far shorter than the window.
 */
function graphemeCut(text: string, end: number): string {
  const from = Math.max(0, end - 64);
  let boundary = from;
  for (const { index } of GRAPHEMES.segment(text.slice(from, end + 64))) {
    if (from + index > end) break;
    boundary = from + index;
  }
  // A window start inside a cluster longer than the window: the plain cut.
  const cut = boundary > from || from === 0 ? boundary : end;
  // Flags pair their letters from the start of a run of them, which may lie before the window:
  // an odd count of them before the cut splits one.
  return text.slice(0, regionalIndicatorsBefore(text, cut) % 2 === 1 ? cut - 2 : cut);
}

/** How many regional indicators (a flag's letters, two code units each) end at `end`. */
function regionalIndicatorsBefore(text: string, end: number): number {
  let count = 0;
  for (let at = end - 2; at >= 0; at -= 2) {
    const point = text.codePointAt(at) ?? 0;
    if (point < 0x1f1e6 || point > 0x1f1ff) break;
    count += 1;
  }
  return count;
}

/**
 * Where `head` may be cut between words: before its last space, or after its last comma or
 * sentence mark of Chinese, Japanese or Arabic (written without spaces: `。`, `、`, `，`, `،`).
 */
function lastWordBoundary(head: string): number {
  let at = head.lastIndexOf(' ');
  for (const mark of ['。', '、', '，', '！', '？', '،', '؛', '؟']) {
    const after = head.lastIndexOf(mark) + 1;
    if (after > 0 && after > at) at = after;
  }
  return at;
}

/** `head` without trailing spaces and punctuation (a scan: `/[…]+$/` retries every start). */
function trimTrailingJunk(head: string): string {
  let end = head.length;
  while (end > 0 && JUNK.test(head.charAt(end - 1))) end -= 1;
  return head.slice(0, end);
}

/** A title as feeds show it: one plain line, at most {@link MAX_TITLE_LENGTH}. */
export function plainTitle(text: string): string {
  return truncateAtWord(plainLine(text), MAX_TITLE_LENGTH);
}

/** A plain-text summary of at most `max` code units, cut at a word boundary with `…`. */
export function summarize(text: string, max = MAX_SUMMARY_LENGTH): string {
  return truncateAtWord(plainLine(text), max);
}

/**
 * The text a reader sees in an HTML fragment: tags dropped (script, style and the like
 * with their content), entities decoded, block boundaries kept as spaces, one line.
 * Throws ArticleRejectedError 'too-complex' for absurdly nested HTML (see html-depth.ts).
 */
export function htmlToText(html: string, where = 'text'): string {
  // Fast paths with the parser's exact result: build.ts asks for the text of paragraph after
  // paragraph until one has some, and a parser call costs ~15 µs however small the input.
  if (!html.includes('<') && !html.includes('&')) return plainLine(html);
  assertHtmlDepth(html, where, TEXT_LIMITS);
  if (isTagsAndSpaceOnly(html)) return '';
  const escaped = sanitizeHtml(withoutUnclosedNonText(html).replace(BLOCK_TAG, ' <'), {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: NON_TEXT_TAGS,
  });
  return plainLine(
    escaped.replace(/&(?:amp|lt|gt|quot);/g, (entity) => BASIC_ENTITIES[entity] ?? entity),
  );
}

const NON_TEXT_OPEN = new RegExp(`<(${NON_TEXT_TAGS.join('|')})(?=[\\s/>])[^<>]*>`, 'gi');

/**
 * `html` without the opening tags of NON_TEXT_TAGS that no closing tag follows: such an element
 * would take everything after it (a headline "How <script> tags work" would read "How"), so
 * only the tag goes. A closed one still goes with its content.
 */
function withoutUnclosedNonText(html: string): string {
  const lower = html.toLowerCase();
  const lastClose = new Map<string, number>();
  return html.replace(NON_TEXT_OPEN, (tag, name: string, at: number) => {
    const key = name.toLowerCase();
    let close = lastClose.get(key);
    if (close === undefined) {
      close = lower.lastIndexOf(`</${key}`);
      lastClose.set(key, close);
    }
    return close > at ? tag : '';
  });
}

/** A tag-like token: `<main>`, `</em>`, `<!-- …`, `<![CDATA[ …`, `<?xml …`. */
export const MARKUP = /<[A-Za-z!/?][^<>]{0,40}>?/;

/**
 * A plain-text field of the file (its title, its summary) as readers see it (htmlToText),
 * with a warning when markup in it went: text that looked like a tag is not lost silently.
 */
export function fieldText(value: string, field: string, warnings: string[]): string {
  const where = `field "${field}"`;
  const text = htmlToText(value, where);
  warnOfMarkup(value, where, warnings);
  return text;
}

/** A warning when `source` (plain text, as written) holds something that reads as a tag. */
export function warnOfMarkup(
  source: string,
  where: string,
  warnings: string[],
  hint = 'it is plain text (write &lt; for a "<" that is part of it)',
): void {
  const markup = MARKUP.exec(source)?.[0];
  if (markup !== undefined)
    warnings.push(`${where}: removed ${JSON.stringify(markup)} and any other markup: ${hint}`);
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * Most paragraphs plain text may have: their `<p>` tags alone would pass
 * {@link MAX_HTML_MARKUP}, so this only says so before the work of building them.
 */
export const MAX_PARAGRAPHS = MAX_HTML_MARKUP / 2;

/** Throws 'too-complex' for more than {@link MAX_PARAGRAPHS} blocks. */
export function assertParagraphCount(blocks: readonly string[], where: string): void {
  let count = 0;
  for (const block of blocks) if (block.trim() !== '') count += 1;
  if (count > MAX_PARAGRAPHS) {
    throw new ArticleRejectedError(
      'too-complex',
      `${where}: ${count} paragraphs, more than ${MAX_PARAGRAPHS}; split the article`,
    );
  }
}

/** Blank-line separated blocks of plain text; the lines of a block are joined by spaces. */
export function splitParagraphs(text: string, where = 'text'): string[] {
  const blocks = text.split(/\n[^\S\n]*\n/);
  assertParagraphCount(blocks, where);
  return blocks
    .map((block) => collapseWhitespace(removeXmlForbidden(block)))
    .filter((block) => block !== '');
}

/** Plain paragraphs → `<p>` elements. */
export function paragraphsToHtml(paragraphs: readonly string[]): string {
  return paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n');
}

/** 1-based line of `offset` in `text`, for messages. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1))
    line += 1;
  return line;
}

/** `"value"` for a message, cut to 80 characters and made printable. */
export function quote(value: string): string {
  const line = plainLine(value);
  return `"${line.length > 80 ? `${cutAt(line, 79)}…` : line}"`;
}

/** Whether two headlines are the same, ignoring case, punctuation and spacing. */
export function sameHeadline(a: string, b: string): boolean {
  return repeatsHeadline(b)(a);
}

/** {@link sameHeadline} against one headline, for many lines: its key is made once. */
export function repeatsHeadline(headline: string): (line: string) => boolean {
  const key = headlineKey(headline);
  const plain = key === '' ? plainLine(headline) : '';
  return (line) => {
    const lineKey = headlineKey(line);
    return lineKey === key && (key !== '' || plainLine(line) === plain);
  };
}

/**
 * NFKC, lowercase, letters and numbers only. Runs of combining marks are cut to 30 first
 * (Unicode's stream-safe limit): NFKC reorders a run by insertion sort, so 100 KB of
 * alternating marks would take minutes, and no text a person writes stacks 30 marks.
 */
function headlineKey(text: string): string {
  return text
    .replace(LONG_MARK_RUN, '$1')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}
