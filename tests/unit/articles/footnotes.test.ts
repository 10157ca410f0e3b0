import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import {
  extractFootnotes,
  MAX_BACKLINKS,
  MAX_FOOTNOTE_REFERENCES,
  MAX_FOOTNOTES,
} from '../../../shared/articles/footnotes.ts';
import { parseArticle } from '../../../shared/articles/parse.ts';
import { SITE } from './helpers.ts';

const parseMd = (source: string) =>
  parseArticle({ key: 'articles/notes.md', body: Buffer.from(source), siteUrl: SITE });
const PAGE = 'https://news.example.com/articles/notes.html';

type Node = {
  type: string;
  name?: string;
  attribs?: Record<string, string>;
  children?: Node[];
  data?: string;
};
const textOf = (node: Node): string =>
  node.type === 'text' ? (node.data ?? '') : (node.children ?? []).map(textOf).join('');
function all(node: Node, name: string): Node[] {
  const found: Node[] = [];
  const walk = (n: Node) => {
    if (n.name === name) found.push(n);
    for (const child of n.children ?? []) walk(child);
  };
  walk(node);
  return found;
}

/** What a reader's browser finds: each reference's number and target, each note's text and way back. */
function readerView(html: string) {
  const doc = parseDocument(html) as unknown as Node;
  const ids = new Set(
    all(doc, 'a')
      .concat(all(doc, 'li'))
      .map((n) => n.attribs?.id)
      .filter(Boolean),
  );
  const target = (href = '') =>
    href.startsWith(`${PAGE}#`) ? href.slice(PAGE.length + 1) : `elsewhere: ${href}`;
  return {
    references: all(doc, 'sup').map((sup) => {
      const a = all(sup, 'a')[0];
      return {
        number: textOf(sup),
        to: target(a?.attribs?.href),
        resolves: ids.has(target(a?.attribs?.href)),
      };
    }),
    notes: all(doc, 'li').map((li) => ({
      id: li.attribs?.id,
      text: textOf(li).replace(/\s+/g, ' ').trim(),
      back: all(li, 'a').map((a) => ({
        to: target(a.attribs?.href),
        resolves: ids.has(target(a.attribs?.href)),
      })),
    })),
  };
}

describe('Markdown footnotes (GitHub, Hugo, Jekyll and Pandoc write them so)', () => {
  it('numbers the references by first use and lists the notes at the end, each with links back', () => {
    const { article, warnings } = parseMd(
      [
        '---',
        'title: Notes',
        'date: 2024-03-01T10:00:00Z',
        '---',
        '',
        'The minister said so.[^src] She denied it later.[^1] As reported.[^src]',
        '',
        '[^1]: In a statement to *parliament*.',
        '[^src]: Reuters, 1 March 2024,',
        'quoting an aide.',
        '',
        '    A second paragraph of the note.',
      ].join('\n'),
    );
    expect(warnings).toEqual([]);
    expect(readerView(article.contentHtml)).toEqual({
      references: [
        { number: '1', to: 'fn-1', resolves: true },
        { number: '2', to: 'fn-2', resolves: true },
        { number: '1', to: 'fn-1', resolves: true },
      ],
      notes: [
        {
          id: 'fn-1',
          text: 'Reuters, 1 March 2024, quoting an aide. A second paragraph of the note. ↩︎ ↩︎',
          back: [
            { to: 'fnref-1', resolves: true },
            { to: 'fnref-1-2', resolves: true },
          ],
        },
        {
          id: 'fn-2',
          text: 'In a statement to parliament. ↩︎',
          back: [{ to: 'fnref-2', resolves: true }],
        },
      ],
    });
    expect(article.contentHtml).toContain('<em>parliament</em>');
    // The summary is the words, not the numbers of the notes.
    expect(article.summary).toBe('The minister said so. She denied it later. As reported.');
  });

  it('leaves code, links and what is not a footnote as written, and says what it could not link', () => {
    const { article, warnings } = parseMd(
      [
        '# Notes',
        '',
        'Code `[^a]`, [a link [^a]](https://x.example/), a note[^a] and none[^nope].',
        '',
        '```',
        '[^a]: in a fence, not a definition',
        '```',
        '',
        '[^a]: The note.',
        '[^a]: Again.',
        '[^unused]: Nothing refers to me.',
        '[^not ok]: a label with a space',
      ].join('\n'),
    );
    const view = readerView(article.contentHtml);
    expect(view.references).toEqual([{ number: '1', to: 'fn-1', resolves: true }]);
    expect(view.notes.map((n) => n.text)).toEqual([
      'The note. ↩︎',
      // Listed, not lost; the line after it reads as its lazy continuation, as on GitHub.
      'Nothing refers to me. [^not ok]: a label with a space',
    ]);
    expect(article.contentHtml).toContain('<code>[^a]</code>');
    expect(article.contentHtml).toContain('a link [^a]</a>');
    expect(article.contentHtml).toContain('[^a]: in a fence, not a definition');
    expect(article.contentHtml).toContain('none[^nope]');
    // The second definition of [^a] is in the text as written, not a reference.
    expect(article.contentHtml).toContain('<p>[^a]: Again.</p>');
    expect(warnings).toEqual([
      'footnotes defined again, kept as text (the first definition is the note): [^a] (line 10)',
      'footnote references with no definition ("[^label]: …"): kept as text: [^nope]',
      'footnotes not referred to in the text: listed after the others: [^unused] (line 11)',
    ]);
  });

  it('reports a problem after a note at its own line of the file, and one in a note at the note', () => {
    const dense = '*a'.repeat(300_000);
    const problem = (lines: string[]) => {
      try {
        parseMd(['---', 'title: T', '---', ...lines].join('\n'));
        return 'accepted';
      } catch (error) {
        return (error as Error).message.slice(0, 50);
      }
    };
    expect(problem(['[^a]: note', 'See[^a].', '', dense])).toBe(
      'line 7: Markdown is too complex to render in time ',
    );
    expect(problem(['See[^a].', '', `[^a]: ${dense}`])).toBe(
      'line 6 (a footnote): Markdown is too complex to re',
    );
  });

  it('takes at most MAX_FOOTNOTES notes; the rest stay in the text as written, with a warning', () => {
    const n = MAX_FOOTNOTES + 2;
    const refs = Array.from({ length: n }, (_, i) => `x[^n${i}]`).join(' ');
    const defs = Array.from({ length: n }, (_, i) => `[^n${i}]: note ${i}`).join('\n\n');
    const { article, warnings } = parseMd(`# T\n\n${refs}\n\n${defs}`);
    expect(warnings).toEqual([
      `more than ${MAX_FOOTNOTES} footnotes: the rest kept as text: [^n${n - 2}] (line ${2 * n + 1}), [^n${n - 1}] (line ${2 * n + 3})`,
    ]);
    expect(article.contentHtml.match(/<li /g)).toHaveLength(MAX_FOOTNOTES);
    expect(article.contentHtml).toContain(`x[^n${MAX_FOOTNOTES + 1}]`);
    // Nothing written is lost: the notes past the bound are in the text.
    expect(article.contentHtml).toContain(`[^n${MAX_FOOTNOTES + 1}]: note ${MAX_FOOTNOTES + 1}`);
  });

  it(`links at most MAX_FOOTNOTE_REFERENCES references, MAX_BACKLINKS of a note back; later ones stay text, with a warning`, () => {
    const refs = 'x[^a] '.repeat(MAX_FOOTNOTE_REFERENCES + 1);
    const { article, warnings } = parseMd(`# T\n\n${refs}\n\n[^a]: the note`);
    expect(article.contentHtml.match(/<sup>/g)).toHaveLength(MAX_FOOTNOTE_REFERENCES);
    expect(article.contentHtml.match(/\u21a9/g)).toHaveLength(MAX_BACKLINKS);
    // Every linked reference's number is out of the summary (those past MAX_BACKLINKS too).
    expect(article.summary).toMatch(/^x x x x/);
    expect(article.summary).not.toMatch(/\d/);
    expect(warnings).toEqual([
      `more than ${MAX_FOOTNOTE_REFERENCES} footnote references: those after the ${MAX_FOOTNOTE_REFERENCES}th kept as text`,
    ]);
  });

  it('reads a note whose paragraphs are 50,000 blank lines apart (one look ahead over the run)', () => {
    const notes = extractFootnotes(`x[^a]\n\n[^a]: one\n${'\n'.repeat(50_000)}    two`);
    expect(notes.body.split('\n')).toHaveLength(50_004);
    expect(notes.notes.map((note) => note.markdown.replace(/\n+/g, ' '))).toEqual(['one two']);
  });
});

describe('footnotes among the rest of the Markdown', () => {
  const body = (lines: string[]) => parseMd(['# Notes', '', ...lines].join('\n'));

  it('a summary is the story’s words, never a note (a body that starts with a list)', () => {
    const { article } = body(['- Point one[^1]', '- Point two', '', '[^1]: Source.']);
    expect(article.summary).toBe('Point one Point two');
  });

  it('a note uses the body’s reference links, and may refer to another note (numbered after)', () => {
    const { article, warnings } = body([
      'See[^b].',
      '',
      '[^a]: The second, from [the report][r].',
      '[^b]: The first, and[^a].',
      '',
      '[r]: https://example.org/report',
    ]);
    expect(warnings).toEqual([]);
    expect(readerView(article.contentHtml).notes.map((n) => [n.id, n.text])).toEqual([
      ['fn-1', 'The first, and2. ↩︎'],
      ['fn-2', 'The second, from the report. ↩︎'],
    ]);
    expect(article.contentHtml).toContain('<a href="https://example.org/report"');
  });

  it('leaves tags, attributes and comments alone: a reference in them is no reference', () => {
    const { article } = body([
      '<img alt="a > b [^1]" src="https://x.example/a.jpg">',
      '',
      '<!-- draft > [^1] -->',
      '',
      'Text.[^1]',
      '',
      '[^1]: Note.',
    ]);
    expect(article.contentHtml).toContain(
      '<img alt="a &gt; b [^1]" src="https://x.example/a.jpg" />',
    );
    expect(readerView(article.contentHtml).references).toEqual([
      { number: '1', to: 'fn-1', resolves: true },
    ]);
    expect(readerView(article.contentHtml).notes[0]?.back).toEqual([
      { to: 'fnref-1', resolves: true },
    ]);
  });

  it('says references to notes that are nowhere, when the file defines none', () => {
    expect(body(['Said so.[^1]']).warnings).toEqual([
      'footnote references with no definition ("[^label]: …"): kept as text: [^1]',
    ]);
  });

  it('keeps a definition with a label that cannot be one as text, not as a link', () => {
    const { article, warnings } = body(['See[^a.b].', '', '[^a.b]: note']);
    expect(article.contentHtml).not.toContain('<a href');
    expect(article.contentHtml).toContain('[^a.b]: note');
    expect(warnings[0]).toBe(
      'footnote definitions kept as text: a label is letters, digits, "-" and "_" (at most 40): [^a.b] (line 5)',
    );
  });

  it('reads "```code``` at the start of a line" as code in a line, not a fence', () => {
    const { article } = body(['```code``` inline.', '', 'A[^a].', '', '[^a]: note']);
    expect(readerView(article.contentHtml).notes.map((n) => n.text)).toEqual(['note ↩︎']);
  });

  it('a note in the heading that is the title leaves the title', () => {
    const { article, warnings } = parseMd('# Quay fire[^1]\n\nText.\n\n[^1]: Police figures.');
    expect(article.title).toBe('Quay fire');
    expect(warnings).toEqual([
      'footnotes not referred to in the text: listed after the others: [^1] (line 5)',
    ]);
  });

  it("keeps the body as written when a note's open fence runs into the next note, and says so", () => {
    const { article, warnings } = body([
      'Text[^1], as said[^2] and shown[^3].',
      '',
      '[^1]: A note with code:',
      '',
      '    ```',
      '    never closed',
      '',
      '[^2]: Ibid.',
      '',
      '[^3]: https://example.org/source',
    ]);
    expect(warnings).toEqual([
      'footnotes kept as written: a code fence left open runs into their definitions',
    ]);
    expect(article.contentHtml).not.toContain('<sup>');
    expect(article.contentHtml).toContain('as said[^2] and shown[^3].');
    // Each definition in the text, as written: none read as a link definition, which would
    // hide it and make its reference a link.
    expect(article.contentHtml).toContain('[^2]: Ibid.');
    expect(article.contentHtml).toContain('[^3]: <a href="https://example.org/source"');
    expect(article.contentHtml).not.toMatch(/<a [^>]*>\^\d<\/a>/);
  });
});

describe('text that only looks like a reference', () => {
  it('is said in a file with notes; in one without, only a number is taken for a note', () => {
    const without = parseMd('# Regex\n\nThe class [^a-z] matches, [^1] is missing.\n');
    expect(without.warnings).toEqual([
      'footnote references with no definition ("[^label]: …"): kept as text: [^1]',
    ]);
    expect(without.article.contentHtml).toContain('The class [^a-z] matches, [^1] is missing.');
  });
});
