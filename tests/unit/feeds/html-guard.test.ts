import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sanitizeHtml from 'sanitize-html';
import { describe, expect, it } from 'vitest';
import { HTML_ALLOW_LIST } from '../../../shared/articles/html-allow-list.ts';
import { parseArticle } from '../../../shared/articles/parse.ts';
import { sanitizeContent } from '../../../shared/articles/sanitize.ts';
import { guardHtml, isCanonicalSafeHtml } from '../../../shared/feeds/html-guard.ts';
import { xmlSafe } from '../../../shared/feeds/xml-safe.ts';
import { prng } from '../../support/prng.ts';

// The page guard checks stored article HTML instead of sanitizing it again: it must pass all
// that ingest writes, unchanged, and pass nothing a second sanitize would have changed.

const PAGE = 'https://news.example.com/articles/x.html';
const PIECES = [
  ...['<p>', '</p>', '<a href="', 'javascript:alert(1)', 'https://x.example/a?b=1&c=2', '">'],
  ...['</a>', '<img src="', 'http://img.example/i.png', '" alt="', '<br>', '<br />', '<b>'],
  ...['</i>', '<script>', '</script>', '&amp;', '&#106;', '&nbsp;', '&', '<', '>', '"', "'"],
  ...['text ', '\u0000', '<table><tr><td colspan="2">', '</td></tr></table>', '<ul><li>'],
  ...['<!-- c -->', '<![CDATA[x]]>', '<svg onload=alert(1)>', '<div id="a1" dir="rtl">'],
  ...['</div>', '<a href="mailto:a@b.example">', '<a href="#frag">', '<a href="/rel/path">'],
  ...['<img src="relative.png">', '<q>', '<abbr title="x&quot;y">', '<ol start="3">', '<p/>'],
  ...[
    '<hr>',
    '<pre><code>',
    '</code></pre>',
    'é 漢字 🙂',
    '\t\n',
    '<a href="https://x.example/" title="">',
  ],
  ...[
    '<img src="data:image/png;base64,xx">',
    '<A HREF="https://u.example/">',
    '<a href="https://a.example/" onclick="x()">',
  ],
  ...[
    '<a href=" https://a.example/">',
    '<a href="&#106;avascript:alert(1)">',
    '<style>p{}</style>',
  ],
];
function soup(random: () => number): string {
  let html = '';
  const n = 1 + Math.floor(random() * 30);
  for (let j = 0; j < n; j++) html += PIECES[Math.floor(random() * PIECES.length)];
  return html;
}

/** The distinct opening tags with their attributes (HTML's parser may add an empty <p>). */
const openTags = (html: string) =>
  [
    ...new Set(
      [...html.matchAll(/<([a-z][a-z0-9]*)([^>]*?)( \/)?>/g)].map((m) => `${m[1]}${m[2]}`),
    ),
  ].sort();
const textOf = (html: string) => html.replace(/<[^>]*>/g, '');

/** `html` with one to three characters inserted, replaced or removed. */
function tampered(html: string, random: () => number): string {
  let out = html;
  const changes = 1 + Math.floor(random() * 3);
  for (let c = 0; c < changes; c++) {
    const at = Math.floor(random() * (out.length + 1));
    const char = '<>&"\'= /aeiost:#;'[Math.floor(random() * 18)] ?? '';
    const kind = Math.floor(random() * 3);
    out = out.slice(0, at) + (kind === 2 ? '' : char) + out.slice(kind === 0 ? at : at + 1);
  }
  return out;
}

function fixtureContents(): string[] {
  const dir = join(import.meta.dirname, '..', '..', 'fixtures');
  const found: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    try {
      const result = parseArticle({
        key: `articles/${entry.name}`,
        body: readFileSync(join(entry.parentPath, entry.name)),
        siteUrl: 'https://news.example.com/',
      });
      found.push(result.article.contentHtml);
    } catch {
      // Rejected uploads store nothing.
    }
  }
  return found;
}

describe('guardHtml', () => {
  it('passes what ingest stores, unchanged: every fixture and 5,000 sanitized soups', () => {
    const random = prng(19);
    const stored = [
      ...fixtureContents(),
      ...Array.from({ length: 5000 }, () => sanitizeContent(soup(random), PAGE).html),
    ];
    expect(stored.length).toBeGreaterThan(5040);
    const changed = stored.filter((html) => guardHtml(html) !== xmlSafe(html));
    expect(changed).toEqual([]);
  });

  it('passes nothing that sanitizing again would change, and shows the rest as text', () => {
    const random = prng(5005);
    let passed = 0;
    for (let i = 0; i < 20_000; i++) {
      // Raw soup, or stored HTML with a few characters changed (the edge of the language).
      const html =
        i % 2 === 0 ? soup(random) : tampered(sanitizeContent(soup(random), PAGE).html, random);
      const guarded = guardHtml(html);
      if (isCanonicalSafeHtml(xmlSafe(html))) {
        passed += 1;
        expect(guarded).toBe(xmlSafe(html));
        // Sanitizing again removes no kind of tag, no attribute and no text (it may only nest
        // differently: ingest's own output can hold a <pre> in a <p>, which HTML's parser
        // closes first).
        const again = xmlSafe(sanitizeHtml(guarded, HTML_ALLOW_LIST));
        expect(openTags(again)).toEqual(openTags(guarded));
        expect(textOf(again)).toBe(textOf(guarded));
      } else {
        expect(guarded).toMatch(/^(<p>[^<>]*<\/p>)?$/);
      }
    }
    // The soups hold enough well-formed HTML for both sides to be tried.
    expect(passed).toBeGreaterThan(1000);
  });

  it.each([
    ['a script', '<p>Hi</p><script>alert(1)</script>'],
    ['an event handler', '<p>Hi</p><img src="https://i.example/a.png" onerror="alert(1)" />'],
    ['a script link', '<a href="javascript:alert(1)">x</a>'],
    ['an encoded script link', '<a href="&#106;avascript:alert(1)">x</a>'],
    ['a link with a leading space', '<a href=" javascript:alert(1)">x</a>'],
    ['a relative link', '<a href="/admin">x</a>'],
    ['a protocol-relative image', '<img src="//evil.example/a.png" />'],
    ['a data image', '<img src="data:text/html,x" />'],
    ['an unquoted attribute', '<a href=https://a.example/>x</a>'],
    ['a single-quoted attribute', "<a href='https://a.example/'>x</a>"],
    ['upper case', '<P>x</P>'],
    ['a comment', '<p>x<!-- <script>alert(1)</script> --></p>'],
    ['a style element', '<style>body{display:none}</style>'],
    ['an iframe', '<iframe src="https://evil.example/"></iframe>'],
    ['an unclosed tag', '<div><p>x</p>'],
    ['a stray closing tag', '<p>x</p></div>'],
    ['a raw ampersand entity', '<p>&nbsp;</p>'],
    ['a raw greater-than', '<p>a > b</p>'],
    ['a duplicated attribute', '<a href="https://a.example/" href="javascript:x">x</a>'],
  ])('shows %s as text', (_, html) => {
    const guarded = guardHtml(html);
    expect(guarded).toMatch(/^(<p>[^<>]*<\/p>)?$/);
    expect(guarded).not.toMatch(/<(?!\/?p>)/);
  });

  it('keeps the words of what it refuses, escaped', () => {
    expect(guardHtml('<p>Fish &amp; chips</p><script>steal()</script><p>at 5 &lt; 6</p>')).toBe(
      '<p>Fish &amp; chips steal() at 5 &lt; 6</p>',
    );
  });
});
