/**
 * marked's lexer and tokenizer, subclassed to charge a MarkdownMeter for every tokenizer
 * call: what it consumed when it matches, and how far its regex can run when it fails
 * (markdown-scans.ts), plus the source of every container lexed again when nested. The
 * overrides call marked's own methods and return their tokens untouched.
 */
import { Lexer, type MarkedOptions, type Token, Tokenizer, type TokensList } from 'marked';
import {
  MAX_MARKDOWN_NESTING,
  type MarkdownMeter,
  MarkdownTooComplexError,
} from './markdown-meter.ts';
import { nestedTooDeeply } from './markdown-nesting.ts';
import {
  BlockSource,
  bracketScan,
  type CharClass,
  DELIMITER_RUN_WEIGHT,
  DELIMITER_SCAN_WEIGHT,
  definitionScan,
  EMAIL,
  InlineSource,
  inlineSetupCost,
  isSpace,
  isWordChar,
  LAZY_SCAN_WEIGHT,
  lineLength,
  SPACE,
  tagScan,
  URL,
  URL_START,
} from './markdown-scans.ts';

type Raw = { raw: string } | undefined;
type BlockKey =
  | 'space'
  | 'code'
  | 'fences'
  | 'heading'
  | 'hr'
  | 'blockquote'
  | 'list'
  | 'html'
  | 'table';

/** The lexer of one render, charging `meter`. */
export function meteredLexer(options: MarkedOptions, meter: MarkdownMeter): Lexer {
  const tokenizer = new MeteredTokenizer(meter);
  return new MeteredLexer({ ...options, tokenizer }, meter, tokenizer);
}

class MeteredLexer extends Lexer {
  readonly #meter: MarkdownMeter;
  readonly #tokenizer: MeteredTokenizer;
  /** Where each queued inline run's block starts, for messages. */
  readonly #queued = new WeakMap<Token[], number | undefined>();

  constructor(options: MarkedOptions, meter: MarkdownMeter, tokenizer: MeteredTokenizer) {
    super(options);
    this.#meter = meter;
    this.#tokenizer = tokenizer;
    tokenizer.meterListItems();
  }

  override blockTokens(src: string, tokens?: Token[], lastParagraphClipped?: boolean): Token[];
  override blockTokens(
    src: string,
    tokens?: TokensList,
    lastParagraphClipped?: boolean,
  ): TokensList;
  override blockTokens(src: string, tokens?: Token[], lastParagraphClipped?: boolean): Token[] {
    // Each container (list item, block quote) is lexed again at every level it is nested in.
    const depth = this.#tokenizer.blocks.length;
    if (depth >= MAX_MARKDOWN_NESTING) {
      const more = nestedTooDeeply('block quotes and lists', `more than ${MAX_MARKDOWN_NESTING}`);
      throw this.#meter.nested() ?? new MarkdownTooComplexError(more, this.#meter.offset);
    }
    if (depth === 0) this.#meter.document = src;
    this.#meter.charge(src.length);
    this.#tokenizer.blocks.push(new BlockSource(src));
    try {
      return super.blockTokens(src, tokens, lastParagraphClipped);
    } finally {
      this.#tokenizer.blocks.pop();
    }
  }

  override inline(src: string, tokens: Token[] = []): Token[] {
    // A paragraph, heading or cell; inside list items (not `top`) the item counts instead.
    if (this.state.top) this.#meter.block();
    this.#queued.set(tokens, this.#meter.offset);
    return super.inline(src, tokens);
  }

  override inlineTokens(src: string, tokens?: Token[]): Token[] {
    if (tokens && this.#queued.has(tokens)) this.#meter.offset = this.#queued.get(tokens);
    const outermost = this.#tokenizer.inlines.length === 0;
    if (outermost) this.#meter.inline = src;
    this.#meter.charge(inlineSetupCost(src));
    this.#tokenizer.inlines.push(new InlineSource(src));
    try {
      return super.inlineTokens(src, tokens);
    } finally {
      this.#tokenizer.inlines.pop();
      if (outermost) this.#meter.inline = undefined;
    }
  }
}

class MeteredTokenizer extends Tokenizer {
  readonly blocks: BlockSource[] = [];
  readonly inlines: InlineSource[] = [];
  readonly #meter: MarkdownMeter;

  constructor(meter: MarkdownMeter) {
    super();
    this.#meter = meter;
  }

  /**
   * The list tokenizer reads every item in one call: count each as it is found, and, as a
   * list item's lines are appended to one string that is flattened again for each lazy line
   * and its next-bullet test runs once per line, charge the item so far at each line.
   */
  meterListItems(): void {
    const other = this.rules.other;
    const meter = this.#meter;
    this.rules = {
      ...this.rules,
      other: {
        ...other,
        // Copies: marked memoizes some of its regexes for every instance; ours stay private.
        listItemRegex: (bullet: string) => {
          const shared = other.listItemRegex(bullet);
          const regex = new RegExp(shared.source, shared.flags);
          regex.exec = (text: string) => {
            const match = RegExp.prototype.exec.call(regex, text);
            if (match) meter.block();
            return match;
          };
          return regex;
        },
        nextBulletRegex: (indent: number) => {
          const shared = other.nextBulletRegex(indent);
          const regex = new RegExp(shared.source, shared.flags);
          let item = 0;
          regex.test = (line: string) => {
            item += line.length + 1;
            meter.charge(item);
            return RegExp.prototype.test.call(regex, line);
          };
          return regex;
        },
      },
    };
  }

  /** Notes where a top-level block starts (nested sources are cut and shifted). */
  #at(src: string): void {
    const top = this.blocks[0];
    if (this.blocks.length === 1 && top) this.#meter.offset = top.src.length - src.length;
  }

  #block<T extends Raw>(key: BlockKey, src: string): T {
    this.#at(src);
    const token = super[key](src) as T;
    this.#meter.charge(token ? token.raw.length : lineLength(src));
    this.#meter.count(token);
    return token;
  }

  override space(src: string) {
    return this.#block<ReturnType<Tokenizer['space']>>('space', src);
  }
  override code(src: string) {
    const token = this.#block<ReturnType<Tokenizer['code']>>('code', src);
    if (token) this.#meter.escapes(token.text);
    return token;
  }
  override fences(src: string) {
    const token = this.#block<ReturnType<Tokenizer['fences']>>('fences', src);
    if (token) this.#meter.escapes(token.text);
    return token;
  }
  override heading(src: string) {
    return this.#block<ReturnType<Tokenizer['heading']>>('heading', src);
  }
  override hr(src: string) {
    return this.#block<ReturnType<Tokenizer['hr']>>('hr', src);
  }
  override blockquote(src: string) {
    if (QUOTE_START.test(src)) {
      this.#at(src);
      const { steps, runs, lines } = lazyQuoteCost(src);
      this.#meter.charge(
        steps,
        `Markdown is too complex to render in time (a block quote of ${lines} lines that go from ">" lines to lines without ">" ${runs} times); start every line of the quote with ">", or split it`,
      );
    }
    return this.#block<ReturnType<Tokenizer['blockquote']>>('blockquote', src);
  }
  override list(src: string) {
    const token = this.#block<ReturnType<Tokenizer['list']>>('list', src);
    for (const item of token?.items ?? []) this.#meter.count(item);
    return token;
  }
  override html(src: string) {
    return this.#block<ReturnType<Tokenizer['html']>>('html', src);
  }
  override table(src: string) {
    return this.#block<ReturnType<Tokenizer['table']>>('table', src);
  }

  override def(src: string) {
    this.#at(src);
    // What its regex scans: a title in quotes may run on across blank lines to the next quote.
    const scan = definitionScan(src);
    const token = super.def(src);
    // A failed match backtracks over what it scanned. (One appended to a list item's text
    // is charged with the item's lines, in meterListItems.)
    this.#meter.charge(token ? token.raw.length + scan : 2 * scan);
    this.#meter.count(token);
    return token;
  }

  override lheading(src: string) {
    this.#at(src);
    // The setext regex runs to the next blank line looking for an underline.
    this.#meter.charge(this.#run(src)[1]);
    const token = super.lheading(src);
    this.#meter.count(token);
    return token;
  }

  override text(src: string) {
    this.#at(src);
    // Inside list items each line is its own text token, merged into the previous one
    // (whose raw string is flattened again): charge the run of lines so far.
    this.#meter.charge(this.#run(src)[0]);
    const token = super.text(src);
    if (token) this.#meter.charge(token.raw.length);
    this.#meter.count(token);
    return token;
  }

  /** [characters of the non-blank run before `src`, characters from `src` to its end]. */
  #run(src: string): [number, number] {
    // Block tokenizers only see suffixes of the source their blockTokens call is lexing.
    const block = this.blocks.at(-1);
    if (!block) return [src.length, src.length];
    const [start, end] = block.runAround(src);
    const at = block.src.length - src.length;
    return [at - start, end - at];
  }

  override escape(src: string) {
    return this.#inline(super.escape(src), 1);
  }

  override tag(src: string) {
    if (src.charCodeAt(0) !== 0x3c) return super.tag(src);
    const token = super.tag(src);
    return this.#inline(token, token ? token.raw.length : tagScan(src));
  }

  override link(src: string) {
    const first = src.charCodeAt(0);
    if (first !== 0x5b && first !== 0x21) return super.link(src);
    const token = super.link(src);
    // A found link's text is searched again for links inside it.
    return this.#inline(token, token ? 2 * token.raw.length : bracketScan(src));
  }

  override reflink(src: string, links: Parameters<Tokenizer['reflink']>[1]) {
    const first = src.charCodeAt(0);
    if (first !== 0x5b && first !== 0x21) return super.reflink(src, links);
    // An unknown reference comes back as the text `[`, after a scan to its `]`.
    const scan = bracketScan(src, false);
    const token = super.reflink(src, links);
    return this.#inline(token, Math.max(scan, token ? 2 * token.raw.length : 0));
  }

  // Overriding these two makes marked mask every inline run (not only those holding `*_~`),
  // which changes nothing but the cost charged in inlineSetupCost.
  override emStrong(src: string, maskedSrc: string, prevChar?: string) {
    return this.#delimited(src, '*_', prevChar, () => super.emStrong(src, maskedSrc, prevChar));
  }

  override del(src: string, maskedSrc: string, prevChar?: string) {
    return this.#delimited(src, '~', prevChar, () => super.del(src, maskedSrc, prevChar));
  }

  /**
   * One emphasis search can take 100 ms on 1 MiB of `_*a`, so it is paid for before it runs
   * (as if it failed), and what a found emphasis did not scan is given back.
   */
  #delimited<T extends Raw>(
    src: string,
    delimiters: string,
    prevChar: string | undefined,
    run: () => T,
  ): T {
    const estimate = this.#delimiterScan(src, delimiters, prevChar);
    this.#meter.charge(estimate);
    const token = run();
    if (token) {
      const inline = this.inlines.at(-1);
      const from = inline?.offsetOf(src) ?? 0;
      const scanned =
        DELIMITER_SCAN_WEIGHT * token.raw.length +
        DELIMITER_RUN_WEIGHT * (inline?.delimiterRuns(from, from + token.raw.length) ?? 0);
      this.#meter.refund(Math.max(0, estimate - scanned));
    }
    this.#meter.count(token);
    return token;
  }

  /**
   * How far a failed emphasis opener scans for its closer: to the last delimiter like it in
   * the run. Runs followed by a space, and `_` inside a word, are turned away at once.
   */
  #delimiterScan(src: string, delimiters: string, prevChar = ''): number {
    const char = src.charAt(0);
    const inline = this.inlines.at(-1);
    if (!delimiters.includes(char) || !inline) return 1;
    let end = 1;
    while (src.charAt(end) === char) end += 1;
    if (end >= src.length || isSpace(src.charCodeAt(end))) return 1;
    if (char === '_' && prevChar !== '' && isWordChar(prevChar.charCodeAt(0))) return 1;
    const [from, to] = [inline.offsetOf(src), inline.last(char)];
    if (to <= from) return 1;
    return (
      DELIMITER_SCAN_WEIGHT * (to - from) + DELIMITER_RUN_WEIGHT * inline.delimiterRuns(from, to)
    );
  }

  override codespan(src: string) {
    if (src.charCodeAt(0) !== 0x60) return super.codespan(src);
    const token = super.codespan(src);
    if (token) this.#meter.escapes(token.text);
    return this.#inline(token, token ? token.raw.length : LAZY_SCAN_WEIGHT * src.length);
  }

  override br(src: string) {
    this.#meter.charge(1 + this.#runIn(SPACE, src, 1));
    return this.#inline(super.br(src), 0);
  }

  override autolink(src: string) {
    if (src.charCodeAt(0) !== 0x3c) return super.autolink(src);
    this.#meter.charge(1 + this.#runIn(URL, src, 1));
    const token = super.autolink(src);
    if (token) this.#meter.escapes(token.text);
    return this.#inline(token, 0);
  }

  override url(src: string) {
    let scan = 1 + this.#runIn(EMAIL, src, 0);
    const inline = this.inlines.at(-1);
    if (inline && URL_START.test(src)) {
      // The URL runs to a space or `<`; then it is cut back one trailing mark per pass.
      const length = inline.run(URL, src, 0);
      scan += length * (1 + inline.trailing(inline.offsetOf(src) + length));
    }
    this.#meter.charge(scan);
    const token = super.url(src);
    if (token) this.#meter.escapes(token.text);
    return this.#inline(token, 0);
  }

  override inlineText(src: string) {
    const token = super.inlineText(src);
    if (token && !token.escaped) this.#meter.escapes(token.text);
    // Lookaheads for `name@` and for `  \n` scan runs at the start and at the end.
    const end = token ? token.raw.length : 0;
    const scan =
      end +
      this.#runIn(EMAIL, src, 1) +
      this.#runIn(EMAIL, src, end) +
      this.#runIn(SPACE, src, end);
    return this.#inline(token, scan);
  }

  #runIn(kind: CharClass, src: string, from: number): number {
    const inline = this.inlines.at(-1);
    return inline ? inline.run(kind, src, from) : src.length;
  }

  #inline<T>(token: T, scan: number): T {
    this.#meter.charge(scan);
    this.#meter.count(token);
    return token;
  }
}

const QUOTE_START = /^ {0,3}>/;

/**
 * What marked spends on the runs of a block quote beyond its characters: it lexes the quote's
 * lines in runs (`>` lines, and the lazy lines that continue their paragraph without a `>`), and
 * copies the list of the lines left before each run, so a quote whose lines alternate (`> a`,
 * `b`, `> a`, `b`…) costs its runs times its lines: 20,000 such pairs took it 2 s. Charged a
 * quarter step a line copied (about what a copy costs against a character scanned), over the
 * lines the quote can reach: a blank line without `>` ends it (a lazy line only continues a
 * paragraph).
 */
export function lazyQuoteCost(src: string): { steps: number; runs: number; lines: number } {
  const starts: number[] = [];
  let lines = 0;
  let quoted = false;
  for (let at = 0; at < src.length; ) {
    const found = src.indexOf('\n', at);
    const end = found === -1 ? src.length : found;
    const line = src.slice(at, end);
    const isQuoted = QUOTE_START.test(line);
    if (!isQuoted && line.trim() === '') break;
    // A run is `>` lines and the lazy lines before the next `>` line.
    if (isQuoted && !quoted) starts.push(lines);
    quoted = isQuoted;
    lines += 1;
    at = end + 1;
  }
  let copied = 0;
  for (const start of starts.slice(1)) copied += lines - start;
  return { steps: Math.ceil(copied / 4), runs: starts.length, lines };
}
