/**
 * A structural check for regexes that backtrack super-linearly, and a finder for the regex
 * literals in TypeScript sources. Three shapes are flagged:
 *
 * - nested: an unbounded repeat of a group that holds another unbounded repeat whose
 *   characters can also start the group (`(a+)+`, `(?:\s*x|y+)*`): exponential;
 * - adjacent: two unbounded repeats that can match the same character with only optional
 *   parts between them (`(.*?)\s*<`, `[^\s>]*[^>]*`): each split is tried, O(n²) or worse;
 * - leading: an unanchored pattern that starts with an unbounded repeat and then needs more
 *   (`\s+$`, `-+x`): a failed match is retried from every position of a run, O(n²).
 *
 * Limits, on purpose: character sets are compared on a sample of characters (ASCII and a
 * few others), not exactly; alternations that overlap without a repeat (`(a|a)*`), lookaround
 * contents and back-references are not analysed; `new RegExp(...)` strings are not found.
 * It catches the shapes that stalled parsing here, nothing more.
 */

type Node =
  | { kind: 'atom'; source: string }
  | { kind: 'assert' }
  | { kind: 'look' }
  | { kind: 'group'; alts: Node[][] }
  | { kind: 'quant'; node: Node; min: number; max: number };

/** Repeats bounded above this count as unbounded (`{0,999}` backtracks like `*`). */
const UNBOUNDED = 64;
const SAMPLES = [
  ...Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)),
  ...['\u00a0', '\u0085', 'é', '\u0301', '\u0316', '\u200b', '\u2028', '\u202e', '\u3000'],
  ...['\ufeff', 'ж', 'Ω', 'ع', '中', 'ſ', '\u212a', '–', '”', '🎉'],
];

export interface RegexProblem {
  shape: 'nested' | 'adjacent' | 'leading';
  detail: string;
}

/** The super-linear shapes in `pattern`; empty when none of the checks fires. */
export function regexProblems(pattern: string, flags: string): RegexProblem[] {
  const unicode = flags.includes('u') || flags.includes('v');
  const tree: Node = { kind: 'group', alts: new Parser(pattern, unicode).alternatives() };
  const sets = new SetCache(flags.replace(/[gy]/g, ''));
  const problems: RegexProblem[] = [];
  walk(tree, (node) => {
    if (node.kind === 'quant' && node.max > UNBOUNDED) {
      const starts = sets.first(node.node);
      walk(node.node, (inner) => {
        if (inner !== node.node && inner.kind === 'quant' && inner.max > UNBOUNDED) {
          if (overlaps(sets.chars(inner), starts))
            problems.push({ shape: 'nested', detail: `${describe(inner)} inside a repeat` });
        }
      });
    }
    if (node.kind === 'group') {
      for (const seq of node.alts) {
        for (let i = 0; i < seq.length; i += 1) {
          for (let j = i + 1; j < seq.length; j += 1) {
            const [left, right] = [seq[i], seq[j]];
            if (left && right && overlaps(sets.unboundedLast(left), sets.unboundedFirst(right)))
              problems.push({
                shape: 'adjacent',
                detail: `${describe(left)} then ${describe(right)}`,
              });
            if (!right || !sets.nullable(right)) break;
          }
        }
      }
    }
  });
  const anchored = pattern.startsWith('^') || flags.includes('y');
  const seq = tree.alts.length === 1 ? (tree.alts[0] ?? []) : [];
  const head = seq[0];
  if (!anchored && head && seq.length > 1 && sets.unboundedFirst(head).some(Boolean))
    problems.push({ shape: 'leading', detail: `${describe(head)} starts an unanchored pattern` });
  return problems;
}

export interface RegexLiteral {
  pattern: string;
  flags: string;
  line: number;
}

/**
 * The regex literals in TypeScript source: a small lexer that skips comments, strings and
 * template literals, and reads `/` as a regex where an expression may start.
 */
export function regexLiterals(source: string): RegexLiteral[] {
  const found: RegexLiteral[] = [];
  const braces: number[] = [];
  let previous = '';
  let i = 0;
  const lineOf = (at: number) => source.slice(0, at).split('\n').length;
  while (i < source.length) {
    const char = source[i] ?? '';
    const next = source[i + 1] ?? '';
    if (char === '/' && next === '/') {
      i = source.indexOf('\n', i);
      if (i === -1) break;
      continue;
    }
    if (char === '/' && next === '*') {
      i = source.indexOf('*/', i + 2) + 2;
      continue;
    }
    if (char === '"' || char === "'") {
      i = skipString(source, i, char);
      previous = 'x';
      continue;
    }
    if (char === '`' || (char === '}' && braces.at(-1) === 0)) {
      if (char === '}') braces.pop();
      const end = skipTemplate(source, i + 1);
      if (source[end - 1] === '{') braces.push(0);
      i = end;
      previous = 'x';
      continue;
    }
    if (char === '{' && braces.length > 0) braces[braces.length - 1] = (braces.at(-1) ?? 0) + 1;
    if (char === '}' && braces.length > 0) braces[braces.length - 1] = (braces.at(-1) ?? 0) - 1;
    if (char === '/' && regexMayStart(previous)) {
      const end = regexEnd(source, i + 1);
      let flagsEnd = end + 1;
      while (/[a-z]/.test(source[flagsEnd] ?? '')) flagsEnd += 1;
      found.push({
        pattern: source.slice(i + 1, end),
        flags: source.slice(end + 1, flagsEnd),
        line: lineOf(i),
      });
      i = flagsEnd;
      previous = 'x';
      continue;
    }
    if (/[A-Za-z0-9_$]/.test(char)) {
      let end = i;
      while (/[A-Za-z0-9_$]/.test(source[end] ?? '')) end += 1;
      previous = source.slice(i, end);
      i = end;
      continue;
    }
    if (!/\s/.test(char)) previous = char;
    i += 1;
  }
  return found;
}

const KEYWORDS_BEFORE_EXPRESSION = new Set([
  ...['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void'],
  ...['throw', 'yield', 'await'],
]);

function regexMayStart(previous: string): boolean {
  if (previous === '') return true;
  if (/^[A-Za-z0-9_$]/.test(previous)) return KEYWORDS_BEFORE_EXPRESSION.has(previous);
  return !/[)\]}]/.test(previous);
}

function skipString(source: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < source.length && source[i] !== quote) i += source[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** From inside a template literal to just past its end or its next `${`. */
function skipTemplate(source: string, start: number): number {
  let i = start;
  while (i < source.length) {
    if (source[i] === '\\') i += 2;
    else if (source[i] === '`') return i + 1;
    else if (source[i] === '$' && source[i + 1] === '{') return i + 2;
    else i += 1;
  }
  return i;
}

function regexEnd(source: string, start: number): number {
  let inClass = false;
  let i = start;
  while (i < source.length) {
    const char = source[i];
    if (char === '\\') i += 2;
    else {
      if (char === '[') inClass = true;
      else if (char === ']') inClass = false;
      else if (char === '/' && !inClass) return i;
      i += 1;
    }
  }
  return i;
}

class Parser {
  at = 0;

  constructor(
    readonly source: string,
    readonly unicode: boolean,
  ) {}

  alternatives(): Node[][] {
    const alts: Node[][] = [this.sequence()];
    while (this.source[this.at] === '|') {
      this.at += 1;
      alts.push(this.sequence());
    }
    return alts;
  }

  sequence(): Node[] {
    const seq: Node[] = [];
    while (this.at < this.source.length && !'|)'.includes(this.source[this.at] ?? '')) {
      seq.push(this.quantified(this.term()));
    }
    return seq;
  }

  term(): Node {
    const char = this.source[this.at] ?? '';
    if (char === '(') {
      this.at += 1;
      const look = /^\?(?:[=!]|<[=!])/.exec(this.source.slice(this.at));
      if (look) this.at += look[0].length;
      else if (this.source.startsWith('?:', this.at)) this.at += 2;
      else if (this.source.startsWith('?<', this.at))
        this.at = this.source.indexOf('>', this.at) + 1;
      const alts = this.alternatives();
      this.at += 1;
      return look ? { kind: 'look' } : { kind: 'group', alts };
    }
    if (char === '^' || char === '$') {
      this.at += 1;
      return { kind: 'assert' };
    }
    if (char === '[') return this.atom(this.classEnd());
    if (char === '\\') {
      const kind = this.source[this.at + 1] ?? '';
      if (kind === 'b' || kind === 'B') {
        this.at += 2;
        return { kind: 'assert' };
      }
      const braced = /^\\(?:[pPu]\{[^}]*\}|k<[^>]*>|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|\d+)/;
      const sequence = braced.exec(this.source.slice(this.at));
      return this.atom(this.at + (sequence ? sequence[0].length : 2));
    }
    const code = this.source.codePointAt(this.at) ?? 0;
    return this.atom(this.at + (this.unicode && code > 0xffff ? 2 : 1));
  }

  atom(end: number): Node {
    const source = this.source.slice(this.at, end);
    this.at = end;
    return { kind: 'atom', source };
  }

  classEnd(): number {
    let i = this.at + 1;
    if (this.source[i] === ']') i += 1;
    while (i < this.source.length && this.source[i] !== ']') i += this.source[i] === '\\' ? 2 : 1;
    return i + 1;
  }

  quantified(node: Node): Node {
    const rest = this.source.slice(this.at);
    const match = /^(?:([*+?])|\{(\d+)(,(\d*))?\})\??/.exec(rest);
    if (!match) return node;
    this.at += match[0].length;
    const [, symbol, low, comma, high] = match;
    if (symbol === '*') return { kind: 'quant', node, min: 0, max: Infinity };
    if (symbol === '+') return { kind: 'quant', node, min: 1, max: Infinity };
    if (symbol === '?') return { kind: 'quant', node, min: 0, max: 1 };
    const min = Number(low);
    const max = comma === undefined ? min : high === '' ? Infinity : Number(high);
    return { kind: 'quant', node, min, max };
  }
}

type Side = 'first' | 'last';

/** Character sets as flags over {@link SAMPLES}. */
class SetCache {
  readonly #atoms = new Map<string, boolean[]>();

  constructor(readonly flags: string) {}

  atom(source: string): boolean[] {
    let set = this.#atoms.get(source);
    if (!set) {
      if (/^\\(?:\d|k<)/.test(source)) set = SAMPLES.map(() => true);
      else {
        const regex = new RegExp(`^(?:${source})$`, this.flags);
        set = SAMPLES.map((sample) => regex.test(sample));
      }
      this.#atoms.set(source, set);
    }
    return set;
  }

  nullable(node: Node): boolean {
    switch (node.kind) {
      case 'atom':
        return false;
      case 'assert':
      case 'look':
        return true;
      case 'group':
        return node.alts.some((seq) => seq.every((n) => this.nullable(n)));
      case 'quant':
        return node.min === 0 || this.nullable(node.node);
    }
  }

  /** Every character some atom of `node` matches. */
  chars(node: Node): boolean[] {
    if (node.kind === 'atom') return this.atom(node.source);
    if (node.kind === 'quant') return this.chars(node.node);
    if (node.kind === 'group') return union(node.alts.flat().map((n) => this.chars(n)));
    return none();
  }

  /** Characters a match of `node` can start with. */
  first(node: Node): boolean[] {
    return this.edgeChars(node, 'first');
  }

  /** Characters of unbounded repeats that can begin a match of `node`. */
  unboundedFirst(node: Node): boolean[] {
    return this.unbounded(node, 'first');
  }

  /** Characters of unbounded repeats that can end a match of `node`. */
  unboundedLast(node: Node): boolean[] {
    return this.unbounded(node, 'last');
  }

  private edgeChars(node: Node, side: Side): boolean[] {
    if (node.kind === 'atom') return this.atom(node.source);
    if (node.kind === 'quant') return this.edgeChars(node.node, side);
    if (node.kind === 'group')
      return union(node.alts.map((seq) => this.edge(seq, side, (n) => this.edgeChars(n, side))));
    return none();
  }

  private unbounded(node: Node, side: Side): boolean[] {
    if (node.kind === 'quant') {
      const inner = this.unbounded(node.node, side);
      return node.max > UNBOUNDED ? union([inner, this.edgeChars(node.node, side)]) : inner;
    }
    if (node.kind === 'group')
      return union(node.alts.map((seq) => this.edge(seq, side, (n) => this.unbounded(n, side))));
    return none();
  }

  /** Union of `of` over the elements at one end of `seq`, up to its first non-optional one. */
  private edge(seq: Node[], side: Side, of: (node: Node) => boolean[]): boolean[] {
    const sets: boolean[][] = [];
    for (const node of side === 'first' ? seq : [...seq].reverse()) {
      sets.push(of(node));
      if (!this.nullable(node)) break;
    }
    return union(sets);
  }
}

function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  if (node.kind === 'quant') walk(node.node, visit);
  if (node.kind === 'group') for (const seq of node.alts) for (const n of seq) walk(n, visit);
}

function describe(node: Node): string {
  if (node.kind === 'atom') return node.source;
  if (node.kind === 'quant') {
    const bounds = node.max === Infinity ? `{${node.min},}` : `{${node.min},${node.max}}`;
    return `${describe(node.node)}${bounds}`;
  }
  if (node.kind === 'group')
    return `(${node.alts.map((seq) => seq.map(describe).join('')).join('|')})`;
  return '';
}

const none = () => SAMPLES.map(() => false);
const union = (sets: boolean[][]) => SAMPLES.map((_, i) => sets.some((set) => set[i]));
const overlaps = (a: boolean[], b: boolean[]) => a.some((value, i) => value && b[i]);
