/**
 * How far marked's regexes can scan, computed without running them: the blank lines of a
 * block source and the character runs of an inline run are found once per source, so each
 * tokenizer call is charged in constant or consumed time.
 */

/** A block source being lexed, with its blank lines found once (for the per-line costs). */
export class BlockSource {
  #blanks: number[] | undefined;

  constructor(readonly src: string) {}

  /** Start and end of the run of non-blank lines around the suffix `rest` of the source. */
  runAround(rest: string): [number, number] {
    const at = this.src.length - rest.length;
    const blanks = this.blankLines();
    let low = 0;
    let high = blanks.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((blanks[mid] ?? 0) < at) low = mid + 1;
      else high = mid;
    }
    return [low > 0 ? (blanks[low - 1] ?? 0) : 0, blanks[low] ?? this.src.length];
  }

  /** Offsets of the line breaks that end a blank line (or precede one). */
  private blankLines(): number[] {
    if (this.#blanks) return this.#blanks;
    const blanks: number[] = [];
    let lineStart = 0;
    let blank = true;
    for (let i = 0; i <= this.src.length; i += 1) {
      const code = this.src.charCodeAt(i);
      if (i === this.src.length || code === 0x0a) {
        if (blank) blanks.push(lineStart);
        lineStart = i + 1;
        blank = true;
      } else if (code !== 0x20 && code !== 0x09) blank = false;
    }
    this.#blanks = blanks;
    return blanks;
  }
}

/**
 * An inline run being lexed. Its tokenizers only see suffixes of it, so the runs their
 * lookaheads scan (e-mail characters, spaces, a URL) are found once, not once per call.
 */
export class InlineSource {
  readonly #ends = new Map<CharClass, Int32Array>();
  readonly #trailing = new Map<number, number>();
  readonly #last = new Map<string, number>();
  #runsFrom: Int32Array | undefined;

  constructor(readonly src: string) {}

  /** Length of the run of `kind` characters at `from` characters into the suffix `rest`. */
  run(kind: CharClass, rest: string, from: number): number {
    const at = this.src.length - rest.length + from;
    if (at >= this.src.length) return 0;
    return (this.ends(kind)[at] ?? at) - at;
  }

  /** Characters of URL punctuation the run of URL characters ending at `end` ends with. */
  trailing(end: number): number {
    let count = this.#trailing.get(end);
    if (count === undefined) {
      count = 0;
      while (count < end && classOf(this.src.charCodeAt(end - 1 - count)) & TRAILING) count += 1;
      this.#trailing.set(end, count);
    }
    return count;
  }

  offsetOf(rest: string): number {
    return this.src.length - rest.length;
  }

  /** Delimiter runs (`*`, `_`, `~`) that start in [from, to). */
  delimiterRuns(from: number, to: number): number {
    if (!this.#runsFrom) {
      const runs = new Int32Array(this.src.length + 1);
      for (let i = this.src.length - 1; i >= 0; i -= 1) {
        const code = this.src.charCodeAt(i);
        const starts = isDelimiter(code) && this.src.charCodeAt(i - 1) !== code;
        runs[i] = (runs[i + 1] ?? 0) + (starts ? 1 : 0);
      }
      this.#runsFrom = runs;
    }
    const at = (i: number) => this.#runsFrom?.[Math.min(Math.max(i, 0), this.src.length)] ?? 0;
    return Math.max(0, at(from) - at(to));
  }

  /** Offset of the last `char` in the run (the farthest an emphasis scan can go). */
  last(char: string): number {
    let at = this.#last.get(char);
    if (at === undefined) {
      at = this.src.lastIndexOf(char);
      this.#last.set(char, at);
    }
    return at;
  }

  private ends(kind: CharClass): Int32Array {
    let ends = this.#ends.get(kind);
    if (!ends) {
      const length = this.src.length;
      ends = new Int32Array(length);
      let end = length;
      for (let i = length - 1; i >= 0; i -= 1) {
        if (!(classOf(this.src.charCodeAt(i)) & kind)) end = i;
        ends[i] = end;
      }
      this.#ends.set(kind, ends);
    }
    return ends;
  }
}

/**
 * Weights of scans that cost more than a step per character, as measured: a lazy
 * `[\s\S]*?` looking for a backtick run of one length (code spans), and the emphasis
 * closer search, which runs a many-branched regex and a loop body once per delimiter run
 * (150–500 ns each).
 */
export const LAZY_SCAN_WEIGHT = 6;
export const DELIMITER_SCAN_WEIGHT = 2;
export const DELIMITER_RUN_WEIGHT = 150;
const MASK_WEIGHT = 200;

/**
 * What inlineTokens does before its first tokenizer: it masks code spans (each unmatched
 * backtick run scans to the end), links and tags (each to its next bracket), and builds new
 * strings for each span and escape it masks (~0.5 µs each, charged per backtick run, `[`,
 * `<` and `\\`).
 */
export function inlineSetupCost(text: string): number {
  let marks = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0x5b || code === 0x3c || code === 0x5c) marks += 1;
    else if (code === 0x60 && text.charCodeAt(i - 1) !== 0x60) marks += 1;
  }
  return 2 * text.length + MASK_WEIGHT * marks + LAZY_SCAN_WEIGHT * backtickScan(text);
}

/** Characters the code-span mask scans: to the matching backtick run, or to the end. */
function backtickScan(text: string): number {
  const runs: [number, number][] = [];
  for (let i = text.indexOf('`'); i !== -1; ) {
    let end = i;
    while (text.charCodeAt(end) === 0x60) end += 1;
    runs.push([i, end - i]);
    i = text.indexOf('`', end);
  }
  let cost = 0;
  const nextOfLength = new Map<number, number>();
  for (let r = runs.length - 1; r >= 0; r -= 1) {
    const [at, length] = runs[r] ?? [0, 0];
    const partner = nextOfLength.get(length);
    cost += (partner === undefined ? text.length : partner) - at;
    nextOfLength.set(length, at);
  }
  return cost;
}

/**
 * How far the tag regex may run from a `<`: to the next `>` or `<`; after a quote (values
 * may hold both) or from `<!` and `<?`, to the end.
 */
export function tagScan(src: string): number {
  const second = src.charCodeAt(1);
  if (second === 0x21 || second === 0x3f) return src.length;
  if (second !== 0x2f && !isAsciiLetter(second)) return 1;
  for (let i = 1; i < src.length; i += 1) {
    const code = src.charCodeAt(i);
    if (code === 0x3e || code === 0x3c) return i + 1;
    if (code === 0x22 || code === 0x27) return src.length;
  }
  return src.length;
}

/**
 * How far the link regexes may run from `[`: past the first plain `]` (and a reference
 * label after it, at most 1,000 characters), or, after a backtick, a nested `[`, an escape
 * or (for inline links) `](`, to the end.
 */
export function bracketScan(src: string, inline = true): number {
  const image = src.charCodeAt(0) === 0x21;
  // `!` not followed by `[` is turned away at once.
  if (image && src.charCodeAt(1) !== 0x5b) return 1;
  for (let i = image ? 2 : 1; i < src.length; i += 1) {
    const code = src.charCodeAt(i);
    if (code === 0x5d) {
      const next = src.charCodeAt(i + 1);
      if (inline && next === 0x28) return src.length;
      return i + 1 + (next === 0x5b ? 1_000 : 0);
    }
    if (code === 0x60) return LAZY_SCAN_WEIGHT * src.length;
    if (code === 0x5b || code === 0x5c) return src.length;
  }
  return src.length;
}

/**
 * How far marked's link reference definition regex scans from the start of `src`, walked as
 * it walks: the label to its `]` (a `[` or a blank line stops it), the destination on that
 * line or the next, and a title after it to its closing mark (a `"` or `(` title runs on
 * across blank lines, a `'` one to a blank line), then the spaces and line breaks that end it.
 */
export function definitionScan(src: string): number {
  let at = 0;
  while (at < 3 && src.charCodeAt(at) === 0x20) at += 1;
  if (src.charCodeAt(at) !== 0x5b) return at + 1;
  at = labelEnd(src, at + 1);
  if (src.charCodeAt(at) !== 0x5d || src.charCodeAt(at + 1) !== 0x3a) return at + 1;
  at = destinationEnd(src, spacesThenLineBreak(src, at + 2));
  const afterDestination = at;
  at = spacesThenLineBreak(src, at);
  const opener = src.charCodeAt(at);
  if (at > afterDestination && (opener === 0x22 || opener === 0x27 || opener === 0x28))
    at = titleEnd(src, at + 1, opener);
  while (src.charCodeAt(at) === 0x20) at += 1;
  while (src.charCodeAt(at) === 0x0a) at += 1;
  return Math.min(at + 1, src.length);
}

/** Where a label stops: at a `[` or `]` that is not escaped, or at a blank line. */
function labelEnd(src: string, from: number): number {
  let at = from;
  while (at < src.length) {
    const code = src.charCodeAt(at);
    if (code === 0x5c) at += 2;
    else if (code === 0x5b || code === 0x5d) return at;
    else if (code === 0x0a) {
      let next = at + 1;
      while (src.charCodeAt(next) === 0x20 || src.charCodeAt(next) === 0x09) next += 1;
      if (src.charCodeAt(next) === 0x0a) return at;
      at += 1;
    } else at += 1;
  }
  return src.length;
}

/** Past ` *(?:\n[ \t]*)?`. */
function spacesThenLineBreak(src: string, from: number): number {
  let at = from;
  while (src.charCodeAt(at) === 0x20) at += 1;
  if (src.charCodeAt(at) !== 0x0a) return at;
  at += 1;
  while (src.charCodeAt(at) === 0x20 || src.charCodeAt(at) === 0x09) at += 1;
  return at;
}

/** Past a destination: `<…>` on one line, or a run without white space. */
function destinationEnd(src: string, from: number): number {
  let at = from;
  if (src.charCodeAt(at) === 0x3c) {
    at += 1;
    while (at < src.length) {
      const code = src.charCodeAt(at);
      if (code === 0x5c && src.charCodeAt(at + 1) !== 0x0a) at += 2;
      else if (code === 0x3e) return at + 1;
      else if (code === 0x0a || code === 0x3c || code === 0x5c) return at;
      else at += 1;
    }
    return src.length;
  }
  // Any white space ends it (the regex's `\s` also has non-ASCII spaces: they end it sooner).
  while (at < src.length && !isSpace(src.charCodeAt(at)) && src.charCodeAt(at) !== 0x0b) at += 1;
  return at;
}

/** Past a title whose opening `opener` is before `from`: to its closing mark, or where it fails. */
function titleEnd(src: string, from: number, opener: number): number {
  const closer = opener === 0x28 ? 0x29 : opener;
  let at = from;
  while (at < src.length) {
    const code = src.charCodeAt(at);
    if (code === 0x5c) at += 2;
    else if (code === closer) return at + 1;
    else if (opener === 0x28 && code === 0x28) return at;
    else if (opener === 0x27 && code === 0x0a && src.charCodeAt(at + 1) === 0x0a) return at;
    else at += 1;
  }
  return src.length;
}

export function lineLength(src: string): number {
  const end = src.indexOf('\n');
  return end === -1 ? src.length : end + 1;
}

export const URL_START = /^(?:https?:\/\/|ftp:\/\/|www\.|mailto:|xmpp:)/i;

/** Character classes the lookaheads scan, as bits of a table over ASCII. */
export type CharClass = number;
export const EMAIL: CharClass = 1;
export const SPACE: CharClass = 2;
export const URL: CharClass = 4;
export const TRAILING: CharClass = 8;
const CLASSES = new Uint8Array(128);
for (let code = 0; code < 128; code += 1) {
  const char = String.fromCharCode(code);
  CLASSES[code] =
    (/[a-zA-Z0-9.!#$%&'*+/=?_`{|}~@-]/.test(char) ? EMAIL : 0) |
    (/[ \t\n\f\r]/.test(char) ? SPACE : 0) |
    (code > 0x20 && char !== '<' ? URL : 0) |
    (/[?!.,:;*_'"~)&]/.test(char) ? TRAILING : 0);
}

/** Non-ASCII characters are URL characters (and nothing else the lookaheads look for). */
export function classOf(code: number): CharClass {
  return code < 128 ? (CLASSES[code] ?? 0) : URL;
}

export function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}
export function isWordChar(code: number): boolean {
  return isAsciiLetter(code) || (code >= 0x30 && code <= 0x39) || code > 0x7f;
}
export function isSpace(code: number): boolean {
  return code < 128 && ((CLASSES[code] ?? 0) & SPACE) !== 0;
}
export function isDelimiter(code: number): boolean {
  return code === 0x2a || code === 0x5f || code === 0x7e;
}
