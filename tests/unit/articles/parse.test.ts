import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_ARTICLE_BYTES } from '../../../shared/articles/decode.ts';
import {
  ArticleRejectedError,
  MAX_PARSED_ARTICLE_BYTES,
  type RejectionReason,
} from '../../../shared/articles/errors.ts';
import { parseArticle } from '../../../shared/articles/parse.ts';
import { articleProblems, corpusFiles, fixture, rejectionOf, SITE } from './helpers.ts';

const parse = (key: string, body: string | Uint8Array) =>
  parseArticle({ key, body: typeof body === 'string' ? Buffer.from(body) : body, siteUrl: SITE });

/** Every corpus file and what must become of it: a title, or a rejection reason. */
const CORPUS: Record<string, { title: string } | { reason: RejectionReason }> = {
  README: { reason: 'unsupported-type' },
  'array.json': { reason: 'bad-json' },
  'author-wrong-type.json': { reason: 'invalid-field' },
  'bad-date.md': { reason: 'invalid-field' },
  'bad-id.md': { reason: 'bad-id' },
  'bidi-title.txt': { title: 'evil title isolated' },
  'both-content-and-text.json': { title: 'Both' },
  'cdata-everywhere.md': { title: 'Ends ]]> and again ]]> here' },
  'cdata.json': { title: 'a ]]> b ]]> c' },
  'cms-export.json': { title: 'The mayor’s "plan" & its critics' },
  'control-chars.txt': { title: 'Headline with controls' },
  'control-escapes.json': { title: 'Nul and bell in title' },
  'control-heavy.txt': { reason: 'binary' },
  'deep-nesting.json': { title: 'Deep' },
  'dot-dot.txt': { title: 'Dots' },
  'draft-scheduled.md': { title: 'Embargoed until 2031' },
  'duplicate-keys.md': { reason: 'bad-front-matter' },
  'emoji-rtl.md': { title: 'gnp.exe 🎉 مرحبا بالعالم — שלום' },
  'empty-title.json': { reason: 'no-title' },
  'empty.txt': { reason: 'empty' },
  'front-matter-is-a-list.md': { reason: 'bad-front-matter' },
  'full-front-matter.md': { title: 'Council approves the 2020 budget' },
  'heading-only.md': { title: 'Storm closes schools' },
  'html-in-wire.txt': { title: '<script>alert(1)</script> & <b>bold</b> headline' },
  'impossible-date.md': { reason: 'invalid-field' },
  'malformed.json': { reason: 'bad-json' },
  'many-tags.md': { title: 'A hundred tags' },
  'mixed-utf8-and-1252.txt': { title: 'Erdoğan visits Berlin' },
  'no-title.json': { reason: 'no-title' },
  'no-title.md': { reason: 'no-title' },
  'not-a-tag-line.txt': { title: 'Headline' },
  'nul-bytes.txt': { reason: 'binary' },
  'numeric-tags.md': { title: 'Numeric tags' },
  'photo.jpg': { reason: 'unsupported-type' },
  'png-disguised.txt': { reason: 'binary' },
  'proto-pollution.json': { title: 'Proto' },
  'raw-html-unclosed.md': { title: 'Unclosed tags' },
  'setext-heading.markdown': { title: 'Bridge reopens' },
  'tag-line-multi.txt': { title: 'Headline' },
  'tags-comma-string.md': { title: 'Tags as a comma string' },
  'text-body.json': { title: 'Plain text body' },
  'title-number.json': { reason: 'invalid-field' },
  'title-only.txt': { title: 'Only a headline' },
  'toml-front-matter.md': { reason: 'bad-front-matter' },
  'truncated.json': { reason: 'bad-json' },
  'unclosed-front-matter.md': { reason: 'bad-front-matter' },
  'unknown-fields.md': { title: 'The real title' },
  'utf16-no-bom.txt': { reason: 'bad-encoding' },
  'utf32.txt': { reason: 'bad-encoding' },
  'whitespace-only.txt': { reason: 'empty' },
  'windows-1252-smart-quotes.txt': { title: '“Quoted” headline – café costs 5€' },
  'wire-bom-crlf.txt': {
    title: "Libya's internationally recognized gov't ratifies Turkey security deal",
  },
  'wire-cr-only.txt': {
    title: "Libya's internationally recognized gov't ratifies Turkey security deal",
  },
  'wire-utf16be.txt': {
    title: "Libya's internationally recognized gov't ratifies Turkey security deal",
  },
  'wire-utf16le.txt': {
    title: "Libya's internationally recognized gov't ratifies Turkey security deal",
  },
  'wrong-type-draft.md': { reason: 'invalid-field' },
  'wrong-type-tags.md': { reason: 'invalid-field' },
  'wrong-type-title.md': { reason: 'invalid-field' },
  'wrong-types.json': { reason: 'invalid-field' },
  'xss-everywhere.json': { reason: 'bad-id' },
  'xss-everywhere.md': { title: 'Breaking news' },
  'yaml-anchors.md': { title: 'Anchors used sensibly' },
  'yaml-bomb.md': { reason: 'bad-front-matter' },
  'yaml-custom-tags.md': { title: 'function () { alert(1) }' },
  'yaml-syntax-error.md': { reason: 'bad-front-matter' },
};

describe('parseArticle over the hostile corpus', () => {
  it('has an expectation for every corpus file', () => {
    expect(Object.keys(CORPUS).sort()).toEqual(corpusFiles());
  });

  it.each(corpusFiles())('%s', (name) => {
    const expected = CORPUS[name];
    const body = fixture(`corpus/${name}`);
    if (expected && 'reason' in expected) {
      const error = rejectionOf(() => parse(`articles/${name}`, body));
      expect(error.reason).toBe(expected.reason);
      expect(error.message.length).toBeGreaterThan(10);
      return;
    }
    const { article, warnings } = parse(`articles/${name}`, body);
    expect(article.title).toBe(expected?.title);
    expect(articleProblems(article)).toEqual([]);
    expect(warnings.every((w) => typeof w === 'string' && w.length > 0 && !w.includes('\n'))).toBe(
      true,
    );
    // Deterministic: the same bytes give the same result.
    expect(parse(`articles/${name}`, body)).toEqual({ article, warnings });
  });

  it('keeps every XSS vector of xss-everywhere.md out and reports each kind', () => {
    const { article, warnings } = parse('articles/x.md', fixture('corpus/xss-everywhere.md'));
    expect(article.title).toBe('Breaking news');
    expect(article.summary).toBe('Summary');
    expect(article.link).toBeUndefined();
    // A name is plain text: its markup goes, said, as a title's does.
    expect(article.authors).toEqual([{ slug: 'mallory', name: 'Mallory' }]);
    expect(article.tags).toEqual([{ slug: 'javascript-alert-1', name: 'javascript:alert(1)' }]);
    expect(warnings).toContainEqual(
      expect.stringMatching(/^author "<svg onload=alert\(1\)>Mallory": removed "<svg/),
    );
    const tags = (article.contentHtml.match(/<[^>]*>/g) ?? []).join('');
    expect(tags).not.toMatch(
      /<(?:script|iframe|object|embed|form|input|button|svg|math)|javascript:|vbscript:|data:|on\w+=|style=/i,
    );
    expect(article.contentHtml).toContain('md link');
    for (const kind of [
      '<script>',
      '<iframe>',
      '<object>',
      '<embed>',
      '<form>',
      '<svg>',
      'onerror',
      'onclick',
      'style',
      'javascript:',
      'vbscript:',
      'data:',
    ]) {
      expect(warnings.some((w) => w.includes(kind))).toBe(true);
    }
    expect(warnings).toContain(
      'field "link": dropped: "javascript:alert(document.cookie)" uses javascript: (allowed: http, https)',
    );
  });
});

describe('parseArticle dispatch', () => {
  it.each([
    'articles/x.txt',
    'articles/x.TXT',
    'articles/x.md',
    'articles/x.Markdown',
    'articles/x.json',
  ])('accepts %s', (key) => {
    const lower = key.toLowerCase();
    const body = lower.endsWith('.json')
      ? '{"title": "Hello"}'
      : lower.endsWith('.txt')
        ? 'Hello\n\nWorld.\n'
        : '# Hello\n\nWorld.';
    expect(parse(key, body).article.title).toBe('Hello');
  });

  it.each([
    'articles/x.html',
    'articles/x.docx',
    'articles/x',
    'articles/.md',
    'articles/x.md.exe',
    'articles/x.txt/',
  ])('rejects %s as unsupported before reading it', (key) => {
    const error = rejectionOf(() => parse(key, new Uint8Array([0, 1, 2])));
    expect(error.reason).toBe('unsupported-type');
    expect(error.message).toMatch(/is not an article file: use \.txt, \.md, \.markdown, \.json$/);
  });

  it('reports control characters it removed', () => {
    expect(parse('articles/x.txt', fixture('corpus/control-chars.txt')).warnings).toEqual([
      'removed 7 control characters XML does not allow',
    ]);
  });
});

describe('parseArticle with generated hostile input', () => {
  it('rejects one byte over 1 MiB', () => {
    expect(
      rejectionOf(() => parse('articles/x.txt', Buffer.alloc(MAX_ARTICLE_BYTES + 1, 'a'))).reason,
    ).toBe('too-large');
  });

  it('reads a 1 MiB wire story of 20,000 paragraphs, and refuses it as too big to store, as ingest would', () => {
    const paragraph = 'A sentence of a long story that keeps going. ';
    const paragraphs = (n: number) => `Huge story\n\n${`${paragraph}\n\n`.repeat(n)}`;
    const huge = paragraphs(Math.floor((MAX_ARTICLE_BYTES - 20) / (paragraph.length + 2)));
    const refused = rejectionOf(() => parse('articles/x.txt', huge));
    expect(refused.reason).toBe('too-large');
    expect(refused.message).toMatch(
      /^after conversion to HTML the article is 1\d{3} KB; articles are limited to 333 KB once converted/,
    );
    // Just under the limit once converted: stored, with room for its other fields.
    const under = Math.floor((0.95 * MAX_PARSED_ARTICLE_BYTES) / (paragraph.length + 10));
    const { article } = parse('articles/x.txt', paragraphs(under));
    expect(article.contentHtml.match(/<p>/g)?.length).toBe(under);
    expect(Buffer.byteLength(JSON.stringify(article))).toBeGreaterThan(
      0.9 * MAX_PARSED_ARTICLE_BYTES,
    );
  });

  it('shortens a 1 MiB one-line title and says so', () => {
    const { article, warnings } = parse('articles/x.txt', `${'word '.repeat(200_000)}\n`);
    expect(article.title.length).toBeLessThanOrEqual(200);
    expect(warnings).toEqual(['title is longer than 200 characters; shortened']);
  });

  it('bounds a huge given summary', () => {
    const { article, warnings } = parse(
      'articles/x.json',
      JSON.stringify({ title: 'T', summary: 'word '.repeat(10_000) }),
    );
    expect(article.summary.length).toBeLessThanOrEqual(1000);
    expect(warnings).toEqual(['summary is longer than 1000 characters; shortened']);
  });

  it.each([
    ['content', { title: 'T', content: '<b>'.repeat(300_000) }, /^content: HTML is nested/],
    ['title', { title: '<i>'.repeat(300_000) }, /^field "title": HTML is nested/],
    ['summary', { title: 'T', summary: '<i>'.repeat(300_000) }, /^field "summary": HTML is nested/],
  ])('rejects 1 MiB of unclosed tags in the %s before parsing it', (_, object, message) => {
    const error = rejectionOf(() => parse('articles/x.json', JSON.stringify(object)));
    expect(error.reason).toBe('too-complex');
    expect(error.message).toMatch(message);
  });

  it('survives 3,000 seeded random hostile documents: an article that keeps every promise, or a rejection', () => {
    const random = mulberry32(20191219);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const failures: string[] = [];
    const outcomes = { accepted: 0, rejected: 0 };
    for (let i = 0; i < 3000; i += 1) {
      const format = pick(['txt', 'md', 'json'] as const);
      const text = Array.from({ length: 1 + Math.floor(random() * 40) }, () =>
        pick(FRAGMENTS),
      ).join('');
      const body =
        format === 'json'
          ? JSON.stringify({
              title: `T${text}`,
              content: text,
              summary: text,
              tags: text.split(' '),
              link: text,
              image: text,
            })
          : format === 'md'
            ? `---\ntitle: ${JSON.stringify(`T${text}`)}\ntags: ${JSON.stringify(text)}\n---\n${text}`
            : `T${text}`;
      try {
        const { article } = parse(`articles/fuzz.${format}`, body);
        outcomes.accepted += 1;
        const problems = articleProblems(article);
        if (problems.length > 0) failures.push(`${JSON.stringify(body)} → ${problems.join('; ')}`);
      } catch (error) {
        if (!(error instanceof ArticleRejectedError))
          failures.push(`${JSON.stringify(body)} → threw ${String(error)}`);
        outcomes.rejected += 1;
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    // Both paths are exercised: most documents parse, some are rejected.
    expect(outcomes.accepted).toBeGreaterThan(1500);
    expect(outcomes.rejected).toBeGreaterThan(30);
  });
});

describe('the articles domain', () => {
  it('imports no AWS SDK and no Lambda types', () => {
    const dir = fileURLToPath(new URL('../../../shared/articles/', import.meta.url));
    for (const file of readdirSync(dir)) {
      const source = readFileSync(`${dir}${file}`, 'utf8');
      expect(source, file).not.toMatch(
        /from ['"](?:@aws-sdk\/|aws-lambda|@aws-lambda-powertools\/)/,
      );
    }
  });
});

const FRAGMENTS = [
  ...[
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">',
    '</a>',
  ],
  ...[
    '<svg onload=alert(1)>',
    '<p>',
    '</p>',
    '<b>',
    '<div style="x">',
    '<iframe src=//evil>',
    '<!--',
    '-->',
  ],
  ...[
    '<![CDATA[',
    ']]>',
    '&#x6A;avascript:',
    '&#0;',
    '&lt;',
    '&amp;',
    '&',
    '<',
    '>',
    '"',
    "'",
    '`',
  ],
  ...[
    'java\tscript:',
    'javascript:',
    'data:text/html,',
    '//evil.example/x',
    '/relative',
    'mailto:x@y.z',
  ],
  ...[
    '\u0000',
    '\u0001',
    '\u0007',
    '\u000b',
    '\u001b',
    '\u007f',
    '\u0085',
    '\ud800',
    '\udfff',
    '\ufffe',
    '\uffff',
  ],
  ...['\u202e', '\u2066', '\u200b', '\u00a0', '\r\n', '\n', '\n\n', '\t', ' ', '  ', ',', ', '],
  ...['🎉', '👨‍👩‍👧', 'مرحبا', 'שלום', 'Новости', '東京', 'Erdoğan', 'é', '\u0301'],
  ...[
    '# ',
    '## ',
    '*',
    '**',
    '_',
    '[',
    ']',
    '(',
    ')',
    '](',
    '![',
    '> ',
    '- ',
    '1. ',
    '```',
    '|',
    '---',
    '...',
  ],
  ...['{', '}', '[1,', ': ', '&a ', '*a ', '!!js/function ', '%YAML', 'title: x', 'Libya', 'deal'],
];

/** Small seeded PRNG, so a failure reproduces. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('relative URLs resolve against the article page, media against its inbox key', () => {
  const body = [
    '---',
    'title: Links',
    'image: lead.jpg',
    '---',
    '',
    'See [the notes](#notes), [the other story](../other.html) and ![a photo](photo.jpg).',
    '',
    '<h2 id="notes">Notes</h2>',
    '',
    '![root](/logo.png) ![insecure](http://cdn.example.org/a.png) [plain http](http://example.org/)',
  ].join('\n');

  it('as the page itself would: fragments stay on it, relative paths sit beside it', () => {
    const { article, warnings } = parse('articles/2019/12/links.md', body);
    const page = `${SITE}articles/2019/12/links.html`;
    expect(article.contentHtml).toContain(`href="${page}#notes"`);
    expect(article.contentHtml).toContain('<h2 id="notes">Notes</h2>');
    expect(article.contentHtml).toContain(`href="${SITE}articles/2019/other.html"`);
    // Media files resolve beside the article's file, to their published URL (README "Media").
    expect(article.contentHtml).toContain(`src="${SITE}media/2019/12/photo.jpg"`);
    expect(article.contentHtml).toContain(`src="${SITE}logo.png"`);
    expect(article.image).toBe(`${SITE}media/2019/12/lead.jpg`);
    // An http image would be blocked by the pages' CSP: it is loaded over https, and said so.
    expect(article.contentHtml).toContain('src="https://cdn.example.org/a.png"');
    expect(article.contentHtml).toContain('href="http://example.org/"');
    expect(warnings).toContain(
      'image "http://cdn.example.org/a.png": loaded over https (pages load no http images)',
    );
  });

  it("resolves media by the key whatever the file's own id, and leaves the site's own http images alone", () => {
    const local = 'http://127.0.0.1:8787/';
    const { article, warnings } = parseArticle({
      key: 'articles/x.md',
      body: Buffer.from(`---\ntitle: T\nid: news/own-id\n---\n\n![a](a.png) ![b](${local}b.png)\n`),
      siteUrl: local,
    });
    expect(article.contentHtml).toContain(`src="${local}media/a.png"`);
    expect(article.contentHtml).toContain(`src="${local}b.png"`);
    expect(warnings).toEqual([]);
  });
});

describe("README's Markdown example", () => {
  it('is published as written, with no warning', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const after = readme.slice(readme.indexOf('**Markdown** (GitHub-flavoured)'));
    const example = /```text\n([\s\S]*?)\n```/.exec(after)?.[1] ?? '';
    expect(example).toMatch(/^---\ntitle: /);
    const { article, warnings } = parseArticle({
      key: 'articles/2026/12/harbour-works.md',
      body: Buffer.from(example),
      siteUrl: 'https://news.example.com/',
    });
    expect(warnings).toEqual([]);
    expect(article.title).toBe('Harbour works to close the east quay until March');
  });
});
