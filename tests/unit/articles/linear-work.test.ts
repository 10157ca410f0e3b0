/**
 * Issue 13: no upload may stall a parse. These tests time nothing: they count the work the
 * scanners and the Markdown budget charge, and show it grows linearly (doubling the input
 * at most ~doubles it) on the shapes that used to stall, and that the replacements give
 * exactly what the regexes and marked gave before. bench/parse-bench.ts measures the time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lexer, Marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { MAX_ARTICLE_BYTES } from '../../../shared/articles/decode.ts';
import {
  htmlNestingDepth,
  MAX_HTML_MARKUP,
  MAX_HTML_REFERENCES,
} from '../../../shared/articles/html-depth.ts';
import { atxHeadingText } from '../../../shared/articles/markdown.ts';
import { renderMarkdown } from '../../../shared/articles/markdown-budget.ts';
import { MarkdownMeter, MarkdownTooComplexError } from '../../../shared/articles/markdown-meter.ts';
import { definitionScan } from '../../../shared/articles/markdown-scans.ts';
import type { WorkMeter } from '../../../shared/articles/work-meter.ts';
import { prng } from '../../support/prng.ts';
import { FIXTURES } from './helpers.ts';

const rep = (unit: string, n: number) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

/** Random strings of `parts`, the same every run. */
function samples(seed: number, parts: readonly string[], count: number, length = 20): string[] {
  const random = prng(seed);
  return Array.from({ length: count }, () => {
    let text = '';
    const size = 1 + Math.floor(random() * length);
    for (let i = 0; i < size; i += 1) text += parts[Math.floor(random() * parts.length)];
    return text;
  });
}

function htmlSteps(html: string): number {
  const meter: WorkMeter = { steps: 0 };
  htmlNestingDepth(html, Number.POSITIVE_INFINITY, meter);
  return meter.steps;
}

describe('the HTML depth scanner', () => {
  const TAG = /<(\/?)([a-z][^\s/>]*)[^>]*>/gi;
  const VOID = new Set(['br', 'img', 'hr', 'input', 'wbr', 'meta', 'link']);
  const SIBLINGS = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option']);
  /** The regex version it replaces, run only on short strings. */
  function regexDepth(html: string, limit: number): number {
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
      if (SIBLINGS.has(name) && open.at(-1) === name) open.pop();
      open.push(name);
      deepest = Math.max(deepest, open.length);
      if (deepest > limit) break;
    }
    return deepest;
  }

  it('finds the depth the regex found', () => {
    const parts = ['<', '>', '/', 'a', 'B', 'p', 'li', ' ', '\t', '\u00a0', '<p>', '</p>'];
    parts.push('<li>', '</li>', '<br>', '<b', '</b', '"', '=', 'ſ', '<1', '</', 'img', '\u2028');
    for (const html of samples(1, parts, 5000, 30)) {
      expect(htmlNestingDepth(html, 4), html).toBe(regexDepth(html, 4));
    }
  });

  it.each([
    ['<a without >', '<a'],
    ['unclosed attributes', '<a x="'],
    ['closing tags', '</a'],
    ['< alone', '<'],
    ['closing tags that close nothing', '</b>'],
    ['paragraphs', '<p>a</p>'],
    ['one tag, long', '<a '],
  ])('looks at each character a bounded number of times: %s', (_, unit) => {
    const [small, large] = [rep(unit, 50_000), rep(unit, 100_000)];
    expect(htmlSteps(large)).toBeLessThanOrEqual(3 * large.length);
    expect(htmlSteps(large)).toBeLessThanOrEqual(2.1 * htmlSteps(small));
  });
});

describe('the ATX heading scanner', () => {
  const ATX_HEADING = /^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/;

  it('captures what the regex captured', () => {
    const parts = [' ', '\t', '#', 'a', 'b', '\r', '\u2028', '  ', '##', ' #', '# '];
    for (const line of samples(2, parts, 20_000, 12)) {
      expect(atxHeadingText(line), JSON.stringify(line)).toBe(ATX_HEADING.exec(line)?.[1]);
    }
  });
});

describe('the Markdown budget', () => {
  const marked = new Marked({ gfm: true, breaks: false, async: false });

  it('renders exactly what marked renders', () => {
    const parts = ['a', 'b ', ' ', '  ', '\n', '\n\n', '\t', '*', '**', '_', '__', '~', '~~', '`'];
    parts.push('``', '[', ']', '(', ')', '![', '](', '<', '>', '<b>', '</b>', '<!--', '-->', '<?');
    parts.push('&amp;', '&#', '\\', '#', '# ', '- ', '* ', '1. ', '> ', '    ', '|', '|-|', '---');
    parts.push('===', '```', 'http://x.y', 'www.a.b', 'a@b.co', '[x]: /u', '[x]', '"', "'", ':');
    parts.push('<http://a>', '<div>', '- [ ] ', '  - ', '1) ', 'é', '🎉', '\u00a0');
    for (const markdown of samples(3, parts, 3000, 25)) {
      expect(renderMarkdown(markdown).html, markdown).toBe(marked.parse(markdown));
      expect(renderMarkdown(markdown, true).html, markdown).toBe(marked.parseInline(markdown));
    }
  });

  it('renders the Markdown fixtures exactly as marked does', () => {
    const dir = join(FIXTURES, 'corpus');
    const files = readdirSync(dir).filter((name) => /\.(?:md|markdown)$/.test(name));
    expect(files.length).toBeGreaterThan(10);
    for (const name of files) {
      const markdown = readFileSync(join(dir, name), 'utf8');
      expect(renderMarkdown(markdown).html, name).toBe(marked.parse(markdown));
    }
  });

  it.each([
    ['paragraphs of prose', 'The council said on Monday that the plan would go ahead.\n\n'],
    ['a long paragraph of prose', 'The council said on Monday that the plan would go ahead. '],
    ['list items', '- an item with *emphasis* and a [link](https://a.example/x)\n'],
    ['table rows', '| a | b |\n'],
    ['headings', '# Heading\n\nText.\n\n'],
    ['block quote lines', '> quoted text\n'],
    [
      'code spans and emphasis',
      'Ministers `agreed` the *plan* on __Monday__ after weeks of talks, officials said. ',
    ],
    ['nested lists, bounded depth', '- a\n  - b\n    - c\n'],
    ['link reference definitions', '[ref]: https://a.example/x "A title"\n'],
  ])('charges linear Markdown linearly: %s', (name, unit) => {
    const head = name === 'table rows' ? '| a | b |\n|---|---|\n' : '';
    const small = renderMarkdown(head + rep(unit, 40_000)).steps;
    const large = renderMarkdown(head + rep(unit, 80_000)).steps;
    expect(large).toBeLessThanOrEqual(2.2 * small);
    // At this rate 1 MiB of it still fits the budget.
    const limit = new MarkdownMeter(MAX_ARTICLE_BYTES).limit;
    expect(large * (MAX_ARTICLE_BYTES / 80_000)).toBeLessThanOrEqual(limit);
  });

  it.each([
    ['emphasis openers', '*a'],
    ['underscores in words', 'a_'],
    ['code-span openers', '`a'],
    ['unclosed comments', '<!--', 'a '],
    ['e-mail-like runs', 'a@a.'],
    ['lazy list lines', 'a\n', '- a\n'],
    ['URLs with trailing brackets', ')', 'www.a'],
  ])('charges what marked does super-linearly super-linearly: %s', (_, unit, head = '') => {
    const small = renderMarkdown(head + rep(unit, 1_000)).steps;
    const large = renderMarkdown(head + rep(unit, 2_000)).steps;
    expect(large).toBeGreaterThanOrEqual(3 * small);
    const error = budgetError(() => renderMarkdown(head + rep(unit, 256 * 1024)));
    expect(error.detail).toMatch(/^Markdown is too complex to render in time/);
  });

  it('charges a link reference definition at least what its regex matches', () => {
    const definition = Lexer.rules.block.gfm.def;
    const parts = ['[', ']', ']:', 'a', ' ', '  ', '\n', '\n\n', '\t', '"', "'", '(', ')'];
    parts.push('<', '>', '\\', '/u', 'é', '\u00a0', ' "t"', " 't'", ' (t)', '\n"t"');
    for (const [i, sample] of samples(5, parts, 5000, 16).entries()) {
      const src = `${i % 2 ? '[' : '[a]: /u'}${sample}`;
      const matched = definition.exec(src)?.[0].length ?? 0;
      expect(definitionScan(src), JSON.stringify(src)).toBeGreaterThanOrEqual(matched);
    }
  });

  it("leaves marked's shared state as it found it", () => {
    const list = '- a\n  lazy\nlazier\n- b\n';
    const before = marked.parse(list);
    budgetError(() => renderMarkdown(`- a\n${rep('a\n', 200_000)}`));
    expect(marked.parse(list)).toBe(before);
    expect(renderMarkdown(list).html).toBe(before);
  });

  it('has a budget linear in the input', () => {
    const limit = (length: number) => new MarkdownMeter(length).limit;
    expect(limit(2_000_000)).toBeLessThanOrEqual(2 * limit(1_000_000));
    expect(limit(2_000_000) - limit(1_000_000)).toBe(limit(3_000_000) - limit(2_000_000));
  });

  it('stops text that would escape to more references than HTML may hold', () => {
    const error = budgetError(() => renderMarkdown(rep('"', MAX_HTML_REFERENCES + 10)));
    expect(error.detail).toMatch(/^text has more than 50000 characters that HTML escapes/);
  });
});

describe('HTML limits', () => {
  it('keeps the markup limit above 1 MiB of short paragraphs', () => {
    expect(MAX_HTML_MARKUP).toBeGreaterThanOrEqual(2 * 22_000);
  });
});

function budgetError(run: () => unknown): MarkdownTooComplexError {
  try {
    run();
  } catch (error) {
    if (error instanceof MarkdownTooComplexError) return error;
    throw error;
  }
  throw new Error('expected the Markdown budget to run out');
}
