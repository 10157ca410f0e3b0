/**
 * A linear pre-check of HTML before the HTML parser behind sanitize-html sees it. That
 * parser slows down quadratically with depth (300,000 unclosed `<b>`, 1 MiB, would keep the
 * ingest function busy for minutes), and even flat markup costs it a few microseconds per
 * tag or character reference, so 1 MiB of nothing but markup takes seconds. The depth
 * estimate follows the parser's rules closely enough (void elements, `</x>` closing up to
 * the last open `x`, `<li>`/`<p>` closing an open sibling) and errs only towards counting
 * too deep. One pass, no regex: each character is looked at a bounded number of times.
 */
import { ArticleRejectedError } from './errors.ts';
import type { WorkMeter } from './work-meter.ts';

/** Deeper HTML than this is rejected; real articles stay far below it. */
export const MAX_HTML_DEPTH = 200;
/**
 * More markup than this is rejected, counting each `<` (tag or not) once and each attribute
 * three times: sanitize-html spends ~1 µs on a bare tag and ~8 µs on a link or an image
 * (attributes, URL checks). 1 MiB of wire copy in 20,000 paragraphs needs 40,000.
 */
export const MAX_HTML_MARKUP = 60_000;
const ATTRIBUTE_WEIGHT = 3;
/**
 * More `&` (character references) than this is rejected: each costs the parser 0.6–2.5 µs
 * (more with text between them), and the text of a summary is parsed a second time.
 */
export const MAX_HTML_REFERENCES = 50_000;

const VOID = new Set([
  ...['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param'],
  ...['source', 'track', 'wbr', 'keygen', 'frame', 'basefont', 'bgsound', 'isindex', 'image'],
]);
const CLOSES_OPEN_SIBLING = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option']);

export interface HtmlTag {
  name: string;
  closing: boolean;
  /** Words after the name (attributes, roughly). */
  attributes: number;
}

/**
 * Calls `visit` for each tag as `/<(\/?)([a-z][^\s/>]*)[^>]*>/gi` would find it (that
 * regex backtracks cubically on `<a<a<a…` without a `>`); stops when `visit` returns false.
 */
export function scanTags(
  html: string,
  visit: (tag: HtmlTag) => boolean | undefined,
  meter?: WorkMeter,
): void {
  let at = html.indexOf('<');
  while (at !== -1) {
    const closing = html.charCodeAt(at + 1) === 0x2f;
    const start = at + (closing ? 2 : 1);
    if (!isAsciiLetter(html.charCodeAt(start))) {
      at = next(html, '<', at + 1, meter);
      continue;
    }
    let end = start + 1;
    while (end < html.length && !endsTagName(html.charCodeAt(end))) end += 1;
    // With no `>` left, no later `<` can start a tag either.
    const close = next(html, '>', end, meter);
    if (close === -1) return;
    if (meter) meter.steps += end - at;
    const tag = { name: html.slice(start, end).toLowerCase(), closing, attributes: 0 };
    for (let i = end; i < close; i += 1) {
      if (isJsWhitespace(html.charCodeAt(i)) && !isJsWhitespace(html.charCodeAt(i + 1)))
        tag.attributes += 1;
    }
    if (visit(tag) === false) return;
    at = next(html, '<', close + 1, meter);
  }
}

/** The estimated nesting depth, counting stops just past `limit`. */
export function htmlNestingDepth(html: string, limit = MAX_HTML_DEPTH, meter?: WorkMeter): number {
  const open: string[] = [];
  const openCount = new Map<string, number>();
  const change = (name: string, by: number) => openCount.set(name, (openCount.get(name) ?? 0) + by);
  let deepest = 0;
  scanTags(
    html,
    ({ name, closing }) => {
      if (closing) {
        if (!openCount.get(name)) return true;
        const at = open.lastIndexOf(name);
        if (meter) meter.steps += open.length - at;
        for (const closed of open.splice(at)) change(closed, -1);
        return true;
      }
      if (VOID.has(name)) return true;
      if (CLOSES_OPEN_SIBLING.has(name) && open.at(-1) === name) change(open.pop() ?? name, -1);
      open.push(name);
      change(name, 1);
      if (open.length > deepest) deepest = open.length;
      return deepest <= limit;
    },
    meter,
  );
  return deepest;
}

/** Tags and attributes (`<` outside tags counts too), and `&`, as the limits count them. */
export function markupCount(
  html: string,
  stopPast = MAX_HTML_MARKUP,
): { markup: number; references: number } {
  let markup = 0;
  let references = 0;
  for (let i = 0; i < html.length; i += 1) {
    const code = html.charCodeAt(i);
    if (code === 0x3c) markup += 1;
    else if (code === 0x26) references += 1;
  }
  scanTags(html, (tag) => {
    markup += ATTRIBUTE_WEIGHT * tag.attributes;
    return markup <= stopPast;
  });
  return { markup, references };
}

export interface HtmlLimits {
  markup: number;
  references: number;
}
const CONTENT_LIMITS: HtmlLimits = { markup: MAX_HTML_MARKUP, references: MAX_HTML_REFERENCES };

/**
 * Throws 'too-complex' when `html` nests deeper than {@link MAX_HTML_DEPTH}, or holds more
 * tags and attributes, or `&`, than `limits` allow (by default {@link MAX_HTML_MARKUP} and
 * {@link MAX_HTML_REFERENCES}).
 */
export function assertHtmlDepth(html: string, where: string, limits = CONTENT_LIMITS): void {
  if (htmlNestingDepth(html) > MAX_HTML_DEPTH) {
    throw new ArticleRejectedError(
      'too-complex',
      `${where}: HTML is nested more than ${MAX_HTML_DEPTH} elements deep (unclosed tags?)`,
    );
  }
  const { markup, references } = markupCount(html, limits.markup);
  if (markup > limits.markup) {
    throw new ArticleRejectedError(
      'too-complex',
      `${where}: HTML has too much markup (more than ${limits.markup} tags and < signs, an attribute counting 3); split the article`,
    );
  }
  if (references > limits.references) {
    throw new ArticleRejectedError(
      'too-complex',
      `${where}: text has ${references} characters that HTML escapes (&, <, >, "), more than ${limits.references}`,
    );
  }
}

/**
 * Whether `html` is nothing but tags without quotes or references, and whitespace: the
 * parser then finds no text in it (the raw-text elements, script and the like, are
 * non-text tags, so even text it reads inside them is dropped).
 */
export function isTagsAndSpaceOnly(html: string): boolean {
  if (html.includes('&')) return false;
  let at = 0;
  while (at < html.length) {
    const code = html.charCodeAt(at);
    if (isJsWhitespace(code)) {
      at += 1;
      continue;
    }
    if (code !== 0x3c) return false;
    const close = simpleTagEnd(html, at);
    if (close === -1) return false;
    at = close + 1;
  }
  return true;
}

/** Index of the `>` of the tag at `at` (`<b>`, `</p>`, `<br/>`, `<img src=x>`), or -1. */
function simpleTagEnd(html: string, at: number): number {
  const name = at + (html.charCodeAt(at + 1) === 0x2f ? 2 : 1);
  if (!isAsciiLetter(html.charCodeAt(name))) return -1;
  for (let i = name + 1; i < html.length; i += 1) {
    const code = html.charCodeAt(i);
    if (code === 0x3e) return i;
    if (code === 0x3c || code === 0x22 || code === 0x27) return -1;
  }
  return -1;
}

function next(html: string, char: string, from: number, meter?: WorkMeter): number {
  const found = html.indexOf(char, from);
  if (meter) meter.steps += (found === -1 ? html.length : found) - from + 1;
  return found;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** `[^\s/>]` ends: JavaScript's `\s`, `/` and `>`. */
function endsTagName(code: number): boolean {
  return code === 0x2f || code === 0x3e || isJsWhitespace(code);
}

export function isJsWhitespace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}
