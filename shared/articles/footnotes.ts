/**
 * Footnotes in Markdown, as GitHub, Hugo (Goldmark), Jekyll (kramdown) and Pandoc write them:
 * `text[^1]` and, anywhere in the file, a definition `[^1]: the note` (its further lines
 * indented, or a paragraph's lazy lines). marked has none, so the definitions are taken out
 * of the body (fenced code excepted) and put after it, each behind a marker, for one render
 * of the whole (one work budget, and the body's link definitions serve the notes too); the
 * rendered notes are cut off at the markers, and the references in the HTML's text (not in
 * code, not in a link, not in a tag) become numbered links to a list of the notes at the
 * end, each with links back:
 *
 *   <sup><a href="#fn-1" id="fnref-1">1</a></sup> … <hr><ol><li id="fn-1"><p>the note
 *   <a href="#fnref-1">↩︎</a></p></li></ol>
 *
 * Numbers follow the first reference of each note (in the text, then in the notes). A
 * reference to no definition stays as written; a definition no reference names is listed
 * after the others; a definition that cannot be one (a bad label, a second of one label, one
 * past MAX_FOOTNOTES) stays in the text as written. Each is said in a warning. Linear: one
 * scan of the lines, one of the HTML.
 */

/** A definition's first line: up to 3 spaces, `[^label]:`, then its text. */
const DEFINITION = /^( {0,3})\[\^([^\]\s]{1,100})\]:(.*)$/;
/** A label that can be referred to: letters, digits, `_` and `-` (GitHub allows no spaces). */
const LABEL = /^[\p{L}\p{M}\p{N}_-]{1,40}$/u;
/** A reference in HTML text (marked leaves `[^1]` as it is when no link definition matches). */
export const FOOTNOTE_REFERENCE = /\[\^([\p{L}\p{M}\p{N}_-]{1,40})\]/gu;
/** FOOTNOTE_REFERENCE, and whether a `:` follows it (looked at, not taken). */
const REFERENCE_AND_COLON = /\[\^([\p{L}\p{M}\p{N}_-]{1,40})\](?=(:?))/gu;
/** A fence's opening (a backtick fence's info string has no backtick: "```a``` b" is text). */
const FENCE = /^ {0,3}(`{3,}(?=[^`]*$)|~{3,})/;
const INDENTED = /^(?: {4}|\t)/;
/** Notes beyond this many stay as text. */
export const MAX_FOOTNOTES = 500;
/**
 * References beyond this many stay as text: a file of a million `[^a]` would otherwise be
 * tens of megabytes of links, and as many links back.
 */
export const MAX_FOOTNOTE_REFERENCES = 1000;
/** Links back from one note, to its first references (GitHub writes one per reference). */
export const MAX_BACKLINKS = 20;

interface Definition {
  label: string;
  key: string;
  markdown: string;
  line: number;
}

export interface Footnotes {
  /** The Markdown without its definitions (each line of one blank, so line numbers hold). */
  body: string;
  /** The notes, in the order they were defined. */
  notes: readonly Definition[];
  warnings: string[];
  /** Labels (lower case) of definitions kept as text: references to them are no missing notes. */
  unlinked: ReadonlySet<string>;
}

const normal = (label: string) => label.toLowerCase();

/** Takes the definitions out of `markdown` (lines count from `firstLine`, for warnings). */
export function extractFootnotes(markdown: string, firstLine = 1): Footnotes {
  const warnings: string[] = [];
  if (!markdown.includes('[^')) return { body: markdown, notes: [], warnings, unlinked: new Set() };
  const lines = markdown.split('\n');
  const definitions = new Map<string, Definition>();
  const badLabels = new Examples();
  const twice = new Examples();
  const beyond = new Examples();
  const unlinked = new Set<string>();
  const fences = new Fences();
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at] ?? '';
    if (fences.inFence(line)) continue;
    const match = DEFINITION.exec(line);
    if (!match) continue;
    const label = match[2] ?? '';
    const key = normal(label);
    const where = `line ${firstLine + at}`;
    // One that cannot be a note stays in the text as written (escaped: marked would take
    // `[^a.b]: x` for a link definition, and hide it).
    const keepAsText = (examples: Examples) => {
      examples.add(`[^${label}] (${where})`);
      // Escaped, so marked shows it as written (`[^a.b]: x` is a link definition to marked).
      lines[at] = `${match[1] ?? ''}\\${line.trimStart()}`;
      unlinked.add(key);
    };
    if (!LABEL.test(label)) {
      keepAsText(badLabels);
      continue;
    }
    if (definitions.has(key)) {
      keepAsText(twice);
      continue;
    }
    if (definitions.size >= MAX_FOOTNOTES) {
      keepAsText(beyond);
      continue;
    }
    const text = [(match[3] ?? '').replace(/^[ \t]/, '')];
    const start = at;
    // Its further lines: indented ones (after blank lines too), and a paragraph's lazy lines.
    let lazy = text[0] !== '';
    while (at + 1 < lines.length) {
      const next = lines[at + 1] ?? '';
      if (INDENTED.test(next)) {
        text.push(next.replace(INDENTED, ''));
        lazy = true;
      } else if (next.trim() === '') {
        let ahead = at + 2;
        while (ahead < lines.length && (lines[ahead] ?? '').trim() === '') ahead += 1;
        if (ahead >= lines.length || !INDENTED.test(lines[ahead] ?? '')) break;
        // The blank lines between its paragraphs, at once (one look ahead over each run).
        for (; at + 1 < ahead; at++) text.push('');
        lazy = false;
        continue;
      } else if (lazy && !DEFINITION.test(next) && !startsBlock(next)) {
        text.push(next);
      } else break;
      at += 1;
    }
    for (let blank = start; blank <= at; blank++) lines[blank] = '';
    definitions.set(key, { label, key, markdown: text.join('\n'), line: firstLine + start });
  }
  badLabels.warn(
    warnings,
    'footnote definitions kept as text: a label is letters, digits, "-" and "_" (at most 40)',
  );
  twice.warn(warnings, 'footnotes defined again, kept as text (the first definition is the note)');
  beyond.warn(warnings, `more than ${MAX_FOOTNOTES} footnotes: the rest kept as text`);
  const changed = definitions.size > 0 || badLabels.size + twice.size + beyond.size > 0;
  return {
    body: changed ? lines.join('\n') : markdown,
    notes: [...definitions.values()],
    warnings,
    unlinked,
  };
}

/** Tracks fenced code, line by line: `inFence(line)` says whether the line is fence or code. */
export class Fences {
  #open: string | undefined;
  inFence(line: string): boolean {
    const mark = FENCE.exec(line)?.[1];
    if (this.#open !== undefined) {
      const open = this.#open;
      if (
        mark !== undefined &&
        mark[0] === open[0] &&
        mark.length >= open.length &&
        line.trim() === mark
      )
        this.#open = undefined;
      return true;
    }
    if (mark) this.#open = mark;
    return mark !== undefined;
  }
}

/**
 * `markdown` with each footnote definition escaped, to be shown as written when its notes
 * cannot be (renderWithNotes' fallback): unescaped, marked reads `[^2]: Ibid.` as a link
 * definition, and the note's text would vanish into a link.
 */
export function definitionsAsText(markdown: string): string {
  const fences = new Fences();
  return markdown
    .split('\n')
    .map((line) => {
      if (fences.inFence(line)) return line;
      const match = DEFINITION.exec(line);
      return match ? `${match[1] ?? ''}\\${line.trimStart()}` : line;
    })
    .join('\n');
}

/** A line that starts a block of its own, so ends a lazy paragraph (a heading, a list, a quote…). */
function startsBlock(line: string): boolean {
  return /^ {0,3}(?:[#>*+=-]|\d{1,9}[.)]|```|~~~|<|\|)/.test(line);
}

/**
 * The rendered body's references as links to its notes, and the notes (`notes[i]`: the HTML
 * of `footnotes.notes[i]`) listed after it; warnings for what stayed as written.
 */
export function finishFootnotes(
  html: string,
  footnotes: Footnotes,
  notes: readonly string[],
  warnings: string[],
): string {
  const definitions = new Map(footnotes.notes.map((note, at) => [note.key, { note, at }]));
  const numbers = new Map<string, { number: number; references: number }>();
  const missing = new Examples();
  let linked = 0;
  let dropped = false;
  const link = (text: string) =>
    !text.includes('[^')
      ? text
      : text.replace(REFERENCE_AND_COLON, (whole, label: string, colon: string) => {
          const key = normal(label);
          // A definition kept as text (`[^a]: again`) shows as written.
          if (colon && footnotes.unlinked.has(key)) return whole;
          if (!definitions.has(key)) {
            // In a file with no notes, only `[^1]` reads as one; `[^a-z]` is a regex's class.
            const noted = definitions.size > 0 || /^\d{1,4}$/.test(label);
            if (noted && !footnotes.unlinked.has(key)) missing.add(`[^${label}]`);
            return whole;
          }
          if (linked >= MAX_FOOTNOTE_REFERENCES) {
            dropped = true;
            return whole;
          }
          linked += 1;
          const note = numbers.get(key) ?? { number: numbers.size + 1, references: 0 };
          numbers.set(key, note);
          note.references += 1;
          // The first references of a note are each a way back from it; later ones only lead there.
          const id =
            note.references === 1
              ? ` id="fnref-${note.number}"`
              : note.references <= MAX_BACKLINKS
                ? ` id="fnref-${note.number}-${note.references}"`
                : '';
          return `<sup><a href="#fn-${note.number}"${id}>${note.number}</a></sup>`;
        });
  const body = inText(html, link);
  // The notes in the order of their numbers, each linked as it comes (a note may refer to
  // another, which then gets the next number); then those nothing refers to.
  const linkedNotes = new Map<string, string>();
  const unused = new Examples();
  for (let number = 1; linkedNotes.size < definitions.size; number++) {
    let key = [...numbers].find(([, n]) => n.number === number)?.[0];
    if (key === undefined) {
      const next = footnotes.notes.find((note) => !numbers.has(note.key));
      if (!next) break;
      unused.add(`[^${next.label}] (line ${next.line})`);
      numbers.set(next.key, { number, references: 0 });
      key = next.key;
    }
    const { at } = definitions.get(key) as { at: number };
    linkedNotes.set(key, inText((notes[at] ?? '').trim(), link));
  }
  const items = [...numbers]
    .sort((a, b) => a[1].number - b[1].number)
    .map(([key, note]) => {
      const backs = Array.from({ length: Math.min(note.references, MAX_BACKLINKS) }, (_, i) =>
        i === 0 ? `#fnref-${note.number}` : `#fnref-${note.number}-${i + 1}`,
      ).map((href) => `<a href="${href}">\u21a9\ufe0e</a>`);
      return `<li id="fn-${note.number}">${withBacklinks(linkedNotes.get(key) ?? '', backs.join(' '))}</li>`;
    });
  missing.warn(warnings, 'footnote references with no definition ("[^label]: …"): kept as text');
  if (dropped)
    warnings.push(
      `more than ${MAX_FOOTNOTE_REFERENCES} footnote references: those after the ${MAX_FOOTNOTE_REFERENCES}th kept as text`,
    );
  unused.warn(warnings, 'footnotes not referred to in the text: listed after the others');
  if (items.length === 0) return body;
  return `${body}\n${FOOTNOTES_START}\n${items.join('\n')}\n</ol>\n`;
}

/** Where the notes start in the HTML (summaries are taken from what comes before). */
const FOOTNOTES_START = '<hr>\n<ol>';

/** The links back inside the note's last paragraph, as GitHub writes them; else after it. */
function withBacklinks(html: string, backs: string): string {
  if (backs === '') return html;
  if (html.endsWith('</p>')) return `${html.slice(0, -'</p>'.length)} ${backs}</p>`;
  return `${html}${html === '' ? '' : ' '}${backs}`;
}

/** What one kind of warning names: the first few, and how many there were. */
class Examples {
  #first: string[] = [];
  #seen = new Set<string>();
  get size(): number {
    return this.#seen.size;
  }
  add(example: string): void {
    if (this.#seen.has(example)) return;
    this.#seen.add(example);
    if (this.#first.length < 3) this.#first.push(example);
  }
  warn(warnings: string[], what: string): void {
    const more = this.#seen.size - this.#first.length;
    if (this.#seen.size > 0)
      warnings.push(`${what}: ${this.#first.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
}

/**
 * `html` with `change` applied to its text only: not to tags (a `>` in a quoted attribute
 * value included), nor comments, nor the text of code, of preformatted blocks or of links.
 */
function inText(html: string, change: (text: string) => string): string {
  let out = '';
  let depth = 0;
  let at = 0;
  while (at < html.length) {
    const open = html.indexOf('<', at);
    const textEnd = open === -1 ? html.length : open;
    const text = html.slice(at, textEnd);
    out += depth === 0 ? change(text) : text;
    if (open === -1) break;
    const end = endOfMarkup(html, open);
    const tag = html.slice(open, end);
    const name = /^<(\/?)(code|pre|a)\b/i.exec(tag);
    if (name) depth = Math.max(0, depth + (name[1] ? -1 : 1));
    out += tag;
    at = end;
  }
  return out;
}

/** Where the tag or comment starting at `open` ends (quotes respected; the end of `html` at most). */
function endOfMarkup(html: string, open: number): number {
  if (html.startsWith('<!--', open)) {
    const close = html.indexOf('-->', open + 4);
    return close === -1 ? html.length : close + 3;
  }
  let quote = '';
  for (let at = open + 1; at < html.length; at++) {
    const char = html[at];
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') return at + 1;
    else if (char === '<') return at;
  }
  return html.length;
}
