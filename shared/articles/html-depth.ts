/**
 * A linear pre-check of how deeply an HTML fragment nests, because the HTML parser behind
 * sanitize-html slows down quadratically with depth: 300,000 unclosed `<b>` (1 MiB) would
 * keep the ingest function busy for minutes. The estimate follows the parser's rules
 * closely enough (void elements, `</x>` closing up to the last open `x`, `<li>`/`<p>`
 * closing an open sibling) and errs only towards counting too deep.
 */
import { ArticleRejectedError } from './errors.ts';

/** Deeper HTML than this is rejected; real articles stay far below it. */
export const MAX_HTML_DEPTH = 200;

const TAG = /<(\/?)([a-z][^\s/>]*)[^>]*>/gi;
const VOID = new Set([
  ...['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param'],
  ...['source', 'track', 'wbr', 'keygen', 'frame', 'basefont', 'bgsound', 'isindex', 'image'],
]);
const CLOSES_OPEN_SIBLING = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option']);

/** The estimated nesting depth, counting stops just past `limit`. */
export function htmlNestingDepth(html: string, limit = MAX_HTML_DEPTH): number {
  const open: string[] = [];
  let deepest = 0;
  for (const match of html.matchAll(TAG)) {
    const name = (match[2] ?? '').toLowerCase();
    if (match[1] === '/') {
      const at = open.lastIndexOf(name);
      if (at !== -1) open.length = at;
      continue;
    }
    if (VOID.has(name)) continue;
    if (CLOSES_OPEN_SIBLING.has(name) && open.at(-1) === name) open.pop();
    open.push(name);
    if (open.length > deepest) deepest = open.length;
    if (deepest > limit) break;
  }
  return deepest;
}

/** Throws 'too-complex' when `html` nests deeper than {@link MAX_HTML_DEPTH}. */
export function assertHtmlDepth(html: string, where: string): void {
  if (htmlNestingDepth(html) > MAX_HTML_DEPTH) {
    throw new ArticleRejectedError(
      'too-complex',
      `${where}: HTML is nested more than ${MAX_HTML_DEPTH} elements deep (unclosed tags?)`,
    );
  }
}
