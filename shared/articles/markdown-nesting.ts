/**
 * Nesting, named when it is why a Markdown render ran out of budget: marked lexes a container
 * (block quote, list item) again at every level it is nested in, and the text of an emphasis
 * or a link again inside it, so deep nesting costs its depth times its length, as unpaired
 * marks do. Measured once, after the budget ran out, so the message says which it was.
 */

/** Nesting this deep is named as the cause when a render runs out of budget. */
export const NESTING_HINT_DEPTH = 16;

export const UNPAIRED_MARKS_HINT =
  'Markdown is too complex to render in time (a long paragraph or list item dense with *, _, `, [ or < that do not pair up?); split it into shorter paragraphs';

export function nestedTooDeeply(what: string, depth: string): string {
  return `Markdown is nested too deeply to render (${what}, ${depth} levels deep); nest fewer levels`;
}

export interface InlineNesting {
  what: 'emphasis inside emphasis' | 'links inside links';
  depth: number;
}

/**
 * The deepest nesting of paired emphasis (`*`, `_`, by CommonMark's flanking rules) or of
 * paired brackets in an inline run, in one pass. An opener with no closer nests nothing:
 * `*a *a *a b*` is one emphasis and unpaired marks, not three levels.
 */
export function inlineNesting(src: string): InlineNesting {
  const emphasis = new PairedDepth();
  const links = new PairedDepth();
  for (let i = 0; i < src.length; i += 1) {
    const char = src.charAt(i);
    if (char === '\\') i += 1;
    else if (char === '[') links.open(char);
    else if (char === ']') links.close('[');
    else if (char === '*' || char === '_') {
      let end = i + 1;
      while (src.charAt(end) === char) end += 1;
      const before = src.charAt(i - 1);
      const after = src.charAt(end);
      const left =
        !isBlank(after) && (!isPunctuation(after) || isBlank(before) || isPunctuation(before));
      const right =
        !isBlank(before) && (!isPunctuation(before) || isBlank(after) || isPunctuation(after));
      const canOpen = left && (char === '*' || !right || isPunctuation(before));
      const canClose = right && (char === '*' || !left || isPunctuation(after));
      if (!(canClose && emphasis.close(char)) && canOpen) emphasis.open(char);
      i = end - 1;
    }
  }
  return emphasis.deepest >= links.deepest
    ? { what: 'emphasis inside emphasis', depth: emphasis.deepest }
    : { what: 'links inside links', depth: links.deepest };
}

/** Openers on a stack; a closer pairs with the one on top, one level deeper than what it holds. */
class PairedDepth {
  readonly #open: { mark: string; holds: number }[] = [];
  deepest = 0;

  open(mark: string): void {
    this.#open.push({ mark, holds: 0 });
  }

  close(mark: string): boolean {
    const top = this.#open.at(-1);
    if (top?.mark !== mark) return false;
    this.#open.pop();
    const depth = top.holds + 1;
    this.deepest = Math.max(this.deepest, depth);
    const outer = this.#open.at(-1);
    if (outer) outer.holds = Math.max(outer.holds, depth);
    return true;
  }
}

/** The start or end of the run counts as a blank, as CommonMark says. */
const isBlank = (char: string) => char === '' || /\s/u.test(char);
const isPunctuation = (char: string) => /[\p{P}\p{S}]/u.test(char);

/**
 * How deep block quotes and list items nest in the top-level block that starts at `from`, and
 * the offset of the line where they nest deepest, in one pass. Close to CommonMark's container
 * matching: a list item holds the lines indented to its content, a `>` opens a quote on its
 * line; a blank line then an unindented line ends the block, unless it continues the list.
 */
export function containerNesting(src: string, from: number): { depth: number; at: number } {
  /** Content columns of the list items open at the line. */
  const items: number[] = [];
  let deepest = { depth: 0, at: from };
  let afterBlank = false;
  for (let start = from; start < src.length; ) {
    const found = src.indexOf('\n', start);
    const end = found === -1 ? src.length : found;
    let at = start;
    let column = 0;
    const skipBlanks = () => {
      for (; at < end && (src[at] === ' ' || src[at] === '\t'); at += 1)
        column += src[at] === '\t' ? 4 - (column % 4) : 1;
    };
    const quote = () => {
      if (src[at] !== '>') return false;
      at += 1;
      column += 1;
      skipBlanks();
      return true;
    };
    skipBlanks();
    if (at === end) afterBlank = true;
    else if (afterBlank && column === 0 && (items.length === 0 || !opensItem(src, at, end))) break;
    else {
      afterBlank = false;
      let quotes = 0;
      while (quote()) quotes += 1;
      while ((items.at(-1) ?? -1) > column) items.pop();
      for (;;) {
        if (quote()) quotes += 1;
        else if (opensItem(src, at, end)) {
          const width = listMarkerWidth(src, at);
          at += width;
          column += width;
          skipBlanks();
          items.push(column);
        } else break;
      }
      const depth = items.length + quotes;
      if (depth > deepest.depth) deepest = { depth, at: start };
    }
    start = end + 1;
  }
  return deepest;
}

/** Width of the list marker at `at` (`-`, `*`, `+`, or 1–9 digits and `.` or `)`), or 0. */
function listMarkerWidth(src: string, at: number): number {
  if (src[at] === '-' || src[at] === '*' || src[at] === '+') return 1;
  let digits = 0;
  while (digits < 9 && isDigit(src.charCodeAt(at + digits))) digits += 1;
  return digits > 0 && (src[at + digits] === '.' || src[at + digits] === ')') ? digits + 1 : 0;
}

/** A list marker at `at`, followed by a blank or the end of the line. */
function opensItem(src: string, at: number, end: number): boolean {
  const width = listMarkerWidth(src, at);
  const next = at + width;
  return width > 0 && (next === end || src[next] === ' ' || src[next] === '\t');
}

const isDigit = (code: number) => code >= 0x30 && code <= 0x39;
