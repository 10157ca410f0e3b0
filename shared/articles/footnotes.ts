/**
 * Footnotes in Markdown, as GitHub, Hugo (Goldmark), Jekyll (kramdown) and Pandoc write them:
 * `text[^1]` and, anywhere in the file, a definition `[^1]: the note` (its further lines
 * indented, or a paragraph's lazy lines). marked has none, so the definitions are taken out
 * of the body before marked reads it (fenced code excepted), each rendered as Markdown of its
 * own, and the references in the rendered HTML's text (not in code, not in a link) become
 * numbered links to a list of the notes at the end, each with a link back:
 *
 *   <sup><a href="#fn-1" id="fnref-1">1</a></sup> … <hr><ol><li id="fn-1"><p>the note
 *   <a href="#fnref-1">↩︎</a></p></li></ol>
 *
 * Numbers follow the first reference of each note. A reference to no definition stays as
 * written; a definition no reference names is listed after the others (nothing written is
 * lost); both are said in warnings. Linear: one scan of the lines, one of the HTML.
 */

/** A definition's first line: up to 3 spaces, `[^label]:`, then its text. */
const DEFINITION = /^ {0,3}\[\^([^\]\s]{1,100})\]:(.*)$/;
/** A label that can be referred to: letters, digits, `_` and `-` (GitHub allows no spaces). */
const LABEL = /^[\p{L}\p{M}\p{N}_-]{1,40}$/u;
/** A reference in HTML text (marked leaves `[^1]` as it is when no link definition matches). */
const REFERENCE = /\[\^([\p{L}\p{M}\p{N}_-]{1,40})\]/gu;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** Notes beyond this many stay as text: each is a Markdown render of its own. */
export const MAX_FOOTNOTES = 500;
/**
 * References beyond this many stay as text: a file of a million `[^a]` would otherwise be
 * tens of megabytes of links, and as many links back.
 */
export const MAX_FOOTNOTE_REFERENCES = 2000;

interface Definition {
  label: string;
  markdown: string;
  line: number;
}

export interface Footnotes {
  /** The Markdown without its definitions (each line of one blank, so line numbers hold). */
  body: string;
  /** Turns the rendered body's references into links and appends the notes. */
  finish(html: string, render: (markdown: string, line: number) => string): string;
  warnings: string[];
}

const normal = (label: string) => label.toLowerCase();

/** Takes the definitions out of `markdown` (lines count from `firstLine`, for warnings). */
export function extractFootnotes(markdown: string, firstLine = 1): Footnotes {
  const warnings: string[] = [];
  if (!markdown.includes('[^')) return { body: markdown, finish: (html) => html, warnings };
  const badLabels = new Examples();
  const twice = new Examples();
  const beyond = new Examples();
  const lines = markdown.split('\n');
  const definitions = new Map<string, Definition>();
  let fence: string | undefined;
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at] ?? '';
    const fenceMark = FENCE.exec(line)?.[1];
    if (fence !== undefined) {
      if (
        fenceMark &&
        fenceMark[0] === fence[0] &&
        fenceMark.length >= fence.length &&
        line.trim() === fenceMark
      )
        fence = undefined;
      continue;
    }
    if (fenceMark) {
      fence = fenceMark;
      continue;
    }
    const match = DEFINITION.exec(line);
    if (!match) continue;
    const label = match[1] ?? '';
    const where = `line ${firstLine + at}`;
    if (!LABEL.test(label)) {
      badLabels.add(`[^${label}] (${where})`);
      continue;
    }
    const text = [(match[2] ?? '').replace(/^[ \t]/, '')];
    const start = at;
    // Its further lines: indented ones (after blank lines too), and a paragraph's lazy lines.
    let lazy = text[0] !== '';
    while (at + 1 < lines.length) {
      const next = lines[at + 1] ?? '';
      if (/^(?: {4}|\t)/.test(next)) {
        text.push(next.replace(/^(?: {4}|\t)/, ''));
        lazy = true;
      } else if (next.trim() === '') {
        let ahead = at + 2;
        while (ahead < lines.length && (lines[ahead] ?? '').trim() === '') ahead += 1;
        if (ahead >= lines.length || !/^(?: {4}|\t)/.test(lines[ahead] ?? '')) break;
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
    const key = normal(label);
    if (definitions.has(key)) {
      twice.add(`[^${label}] (${where})`);
      continue;
    }
    if (definitions.size >= MAX_FOOTNOTES) {
      beyond.add(`[^${label}] (${where})`);
      continue;
    }
    definitions.set(key, { label, markdown: text.join('\n'), line: firstLine + start });
  }
  badLabels.warn(
    warnings,
    'footnote definitions kept as text: a label is letters, digits, "-" and "_" (at most 40)',
  );
  twice.warn(warnings, 'footnotes defined again (the first definition is kept)');
  beyond.warn(warnings, `more than ${MAX_FOOTNOTES} footnotes: left out`);
  if (definitions.size === 0) return { body: markdown, finish: (html) => html, warnings };
  return {
    body: lines.join('\n'),
    warnings,
    finish: (html, render) => finish(html, definitions, render, warnings),
  };
}

/** What one kind of warning names: the first few, and how many there were. */
class Examples {
  #first: string[] = [];
  #seen = new Set<string>();
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

/** A line that starts a block of its own, so ends a lazy paragraph (a heading, a list, a quote…). */
function startsBlock(line: string): boolean {
  return /^ {0,3}(?:[#>*+-]|\d{1,9}[.)]|```|~~~|<|\|)/.test(line);
}

function finish(
  html: string,
  definitions: Map<string, Definition>,
  render: (markdown: string, line: number) => string,
  warnings: string[],
): string {
  const numbers = new Map<string, { number: number; references: number }>();
  const missing = new Examples();
  let linked = 0;
  let dropped = false;
  const link = (text: string) =>
    !text.includes('[^')
      ? text
      : text.replace(REFERENCE, (whole, label: string) => {
          const key = normal(label);
          if (!definitions.has(key)) {
            missing.add(`[^${label}]`);
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
          const id =
            note.references === 1
              ? `fnref-${note.number}`
              : `fnref-${note.number}-${note.references}`;
          return `<sup><a href="#fn-${note.number}" id="${id}">${note.number}</a></sup>`;
        });
  const body = inText(html, link);
  // The notes, in the order of their numbers; then those nothing refers to.
  const notes: string[] = [];
  const unused = new Examples();
  for (const [key, definition] of definitions) {
    if (!numbers.has(key)) {
      unused.add(`[^${definition.label}] (line ${definition.line})`);
      numbers.set(key, { number: numbers.size + 1, references: 0 });
    }
  }
  const ordered = [...numbers].sort((a, b) => a[1].number - b[1].number);
  for (const [key, note] of ordered) {
    const definition = definitions.get(key) as Definition;
    const backs = Array.from({ length: note.references }, (_, i) =>
      i === 0 ? `#fnref-${note.number}` : `#fnref-${note.number}-${i + 1}`,
    ).map((href) => `<a href="${href}">\u21a9\ufe0e</a>`);
    const rendered = inText(render(definition.markdown, definition.line).trim(), link);
    notes.push(`<li id="fn-${note.number}">${withBacklinks(rendered, backs.join(' '))}</li>`);
  }
  missing.warn(warnings, 'footnote references with no definition ("[^label]: …"): kept as text');
  if (dropped)
    warnings.push(
      `more than ${MAX_FOOTNOTE_REFERENCES} footnote references: those after the ${MAX_FOOTNOTE_REFERENCES}th kept as text`,
    );
  unused.warn(warnings, 'footnotes not referred to in the text: listed after the others');
  return `${body}\n<hr>\n<ol>\n${notes.join('\n')}\n</ol>\n`;
}

/** The links back inside the note's last paragraph, as GitHub writes them; else after it. */
function withBacklinks(html: string, backs: string): string {
  if (backs === '') return html;
  if (html.endsWith('</p>')) return `${html.slice(0, -'</p>'.length)} ${backs}</p>`;
  return `${html}${html === '' ? '' : ' '}${backs}`;
}

/**
 * `html` with `change` applied to its text only: not to tags, nor to the text of code, of
 * preformatted blocks or of links (a reference in a link's text stays as written).
 */
export function inText(html: string, change: (text: string) => string): string {
  let out = '';
  let depth = 0;
  let at = 0;
  while (at < html.length) {
    const open = html.indexOf('<', at);
    const textEnd = open === -1 ? html.length : open;
    const text = html.slice(at, textEnd);
    out += depth === 0 ? change(text) : text;
    if (open === -1) break;
    const close = html.indexOf('>', open);
    const end = close === -1 ? html.length : close + 1;
    const tag = html.slice(open, end);
    const name = /^<(\/?)(code|pre|a)\b/i.exec(tag);
    if (name) depth = Math.max(0, depth + (name[1] ? -1 : 1));
    out += tag;
    at = end;
  }
  return out;
}
