import { describe, expect, it } from 'vitest';
import { jsonErrorAt } from '../../../shared/articles/json.ts';
import { parseArticle } from '../../../shared/articles/parse.ts';
import { articleProblems, fixture, rejectionOf, SITE } from './helpers.ts';

const parseJsonText = (source: string) =>
  parseArticle({ key: 'articles/x.json', body: Buffer.from(source), siteUrl: SITE });
const parseFixture = (name: string) =>
  parseArticle({ key: `articles/${name}`, body: fixture(`corpus/${name}`), siteUrl: SITE });

describe('JSON articles', () => {
  it('makes plain text of a title or summary with a tag left open, keeping the words after it', () => {
    const { article } = parseJsonText(
      '{"title": "How <script> tags work in 2026", "summary": "Why <textarea> is weird", "text": "x"}',
    );
    expect(article.title).toBe('How tags work in 2026');
    expect(article.summary).toBe('Why is weird');
  });

  it('reads a sloppy CMS export', () => {
    const { article, warnings } = parseFixture('cms-export.json');
    expect(article).toEqual({
      title: 'The mayor’s "plan" & its critics',
      summary: 'Lead paragraph with a link.',
      contentHtml:
        '<div><p>Lead paragraph with <a href="https://news.example.com/about" rel="noopener noreferrer">a link</a>.</p><p>Second\u00a0paragraph © 2019.</p></div>',
      tags: [
        { slug: 'city-hall', name: 'City Hall' },
        { slug: 'budget', name: 'Budget' },
      ],
      authors: [
        {
          slug: 'jane-doe',
          name: 'Jane Doe',
          email: 'jane@example.com',
          url: 'https://example.com/jane',
        },
      ],
      date: '2019-12-19T08:15:00.000Z',
      draft: false,
    });
    expect(warnings).toEqual([
      'ignored unknown field "wp_post_id"',
      // WordPress exports its site's local time without a zone.
      '"date" ("2019-12-19 08:15:00") has no time zone: read as UTC; add Z or the offset it was written in (+02:00)',
      'removed style attributes from content',
      'removed <font> from content (its text kept)',
      'removed <script> from content',
    ]);
  });

  it('turns plain `text` into escaped paragraphs', () => {
    const { article } = parseFixture('text-body.json');
    expect(article.contentHtml).toBe(
      '<p>First paragraph wrapped.</p>\n<p>Second &lt;b&gt;not bold&lt;/b&gt; paragraph.</p>',
    );
  });

  it('prefers `content` over `text`', () => {
    const { article, warnings } = parseFixture('both-content-and-text.json');
    expect(article.contentHtml).toBe('<p>HTML wins</p>');
    expect(warnings).toEqual(['both "content" and "text" are set; used "content"']);
  });

  it('removes control characters and lone surrogates that JSON escapes smuggle in', () => {
    const { article } = parseFixture('control-escapes.json');
    expect(article).toMatchObject({
      title: 'Nul and bell in title',
      contentHtml: '<p>abcde</p>',
      summary: 'xy',
    });
    expect(articleProblems(article)).toEqual([]);
  });

  it('ignores __proto__ and constructor keys without polluting anything', () => {
    const { article, warnings } = parseFixture('proto-pollution.json');
    expect(article.title).toBe('Proto');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(article)).toBe(Object.prototype);
    expect(warnings).toEqual([
      'ignored unknown field "__proto__"',
      'ignored unknown field "constructor"',
    ]);
  });

  it('keeps ]]> as text in every field, escaped in HTML', () => {
    const { article } = parseFixture('cdata.json');
    expect(article.title).toBe('a ]]> b ]]> c');
    expect(article.contentHtml).toBe('<p>]]&gt;]]&gt;</p>');
  });

  it('lists ten unknown fields and counts the rest', () => {
    const object = Object.fromEntries([
      ['title', 'T'],
      ...Array.from({ length: 1000 }, (_, i) => [`x${i}`, i]),
    ]);
    const { warnings } = parseJsonText(JSON.stringify(object));
    expect(warnings).toHaveLength(11);
    expect(warnings[0]).toBe('ignored unknown field "x0"');
    expect(warnings[10]).toBe('ignored 990 more unknown fields');
  });

  it('accepts a protocol-relative image and the single-author object form', () => {
    const { article } = parseJsonText(
      JSON.stringify({
        title: 'T',
        image: '//cdn.example.net/a.png',
        author: { name: 'A', url: 'https://a.example/' },
      }),
    );
    expect(article.image).toBe('https://cdn.example.net/a.png');
    expect(article.authors).toEqual([{ slug: 'a', name: 'A', url: 'https://a.example/' }]);
  });
});

describe('JSON rejections name the field path or the position', () => {
  it.each([
    ['wrong-types.json', 'invalid-field', 'field "tags[2]": expected a string, got an object'],
    [
      'author-wrong-type.json',
      'invalid-field',
      'field "authors[1].name": expected a string, got a list',
    ],
    ['title-number.json', 'invalid-field', 'field "title": expected a string, got number 2019'],
    ['no-title.json', 'no-title', 'no title: set a non-empty "title" field'],
    ['empty-title.json', 'no-title', 'no title: set a non-empty "title" field'],
    ['array.json', 'bad-json', 'expected one JSON object ({ "title": ... }), got a list'],
    [
      'malformed.json',
      'bad-json',
      "not valid JSON: Unexpected token ']' at line 3, column 16 (a trailing comma?)",
    ],
    ['truncated.json', 'bad-json', 'not valid JSON: Unterminated string at line 1, column 37'],
    ['xss-everywhere.json', 'bad-id', /^field "id": "x\/\.\.\/\.\.\/y" is not a safe id/],
  ])('%s → %s', (name, reason, message) => {
    const error = rejectionOf(() => parseFixture(name));
    expect(error.reason).toBe(reason);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it('rejects a title with nothing visible in it, saying so', () => {
    const error = rejectionOf(() =>
      parseJsonText(JSON.stringify({ title: '\u200b\u2061 ', text: 'x' })),
    );
    expect(error.reason).toBe('no-title');
    expect(error.message).toBe(
      'no title: the "title" field has nothing visible in it (only spaces, zero-width or direction characters and the like)',
    );
  });

  it.each([
    [
      '{"title": "x"} extra',
      'not valid JSON: Unexpected non-whitespace character after JSON at line 1, column 16',
    ],
    [
      '{\n  "title": "a",\n  "tags": [1,,2]\n}',
      "not valid JSON: Unexpected token ',' at line 3, column 14",
    ],
    // V8 quotes only a snippet of these: the place is found, and no trailing comma is guessed.
    [
      '{\n "title": "x",\n "draft": maybe\n}',
      "not valid JSON: Unexpected token 'm' at line 3, column 11",
    ],
    ['{"title": "x", "draft": tru}', "not valid JSON: Unexpected token '}' at line 1, column 28"],
    [
      '{"title": "x",\r "draft": nul\r}',
      "not valid JSON: Unexpected token '\\n' at line 2, column 14",
    ],
    [
      '{"title": "x", "tags": ["a",]}',
      "not valid JSON: Unexpected token ']' at line 1, column 29 (a trailing comma?)",
    ],
    ['"just a string"', 'expected one JSON object ({ "title": ... }), got string'],
    ['null', 'expected one JSON object ({ "title": ... }), got null'],
    ['{"title": "T", "draft": "yes"}', 'field "draft": expected true or false, got a string'],
    [
      '{"title": "T", "date": 1576750000}',
      'field "date": expected a date like 2019-12-19, 2019-12-19T10:00:00Z or Thu, 19 Dec 2019 10:00:00 +0000, got number 1576750000',
    ],
    ['{"title": "T", "content": ["<p>"]}', 'field "content": expected a string of HTML'],
    [
      '{"title": "T", "tags": {"a": 1}}',
      'field "tags": expected a list of tags or a comma-separated string, got an object',
    ],
    [
      '// exported from the CMS, "a // b"\n{"title": "a // b"}',
      "not valid JSON: Unexpected token '/' at line 1, column 1 (JSON has no comments)",
    ],
    [
      '{"title": "T", "score": NaN}',
      "not valid JSON: Unexpected token 'N' at line 1, column 25 (JSON has no NaN: use null or a number)",
    ],
    [
      "{'title': 'T'}",
      "not valid JSON: Expected property name or '}' at line 1, column 2 (JSON strings take double quotes)",
    ],
    [
      '{"title": "T",}',
      'not valid JSON: Expected double-quoted property name at line 1, column 15 (a trailing comma?)',
    ],
  ])('%j', (source, message) => {
    expect(rejectionOf(() => parseJsonText(source)).message).toBe(message);
  });
});

describe('JSON keys named twice', () => {
  it.each([
    ['{"title": "A", "text": "x",\n "title": "B"}', '"title" is set twice at line 2, column 2'],
    // In a nested object too, and spelled with an escape.
    [
      '{"title": "A", "authors": [{"name": "X", "n\\u0061me": "Y"}]}',
      '"name" is set twice at line 1, column 42',
    ],
  ])('rejects %j, saying which and where', (source, said) => {
    const error = rejectionOf(() => parseJsonText(source));
    expect(error.reason).toBe('bad-json');
    expect(error.message).toBe(`not valid JSON for an article: ${said}: keep one`);
  });

  it('accepts one key in two objects', () => {
    const { article } = parseJsonText(
      '{"title": "A", "text": "x", "authors": [{"name": "X"}, {"name": "Y"}]}',
    );
    expect(article.authors.map((a) => a.name)).toEqual(['X', 'Y']);
  });
});

describe('jsonErrorAt', () => {
  it('finds an error exactly where JSON.parse finds one, in 3,000 mangled documents', () => {
    const valid =
      '{"title": "A \\"quoted\\" \\u00e9 title", "tags": ["a", "b"], "n": -1.5e3, "ok": true, "x": null, "deep": [[{}], []], "f": false}';
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pieces = [
      '',
      ',',
      ']',
      '}',
      '[',
      '{',
      '"',
      ':',
      'tru',
      '01',
      '-',
      '\\',
      '\n',
      '\u0001',
      'nul',
      ' ',
    ];
    expect(jsonErrorAt(valid)).toBeUndefined();
    for (let round = 0; round < 3000; round++) {
      const at = random(valid.length + 1);
      const cut = random(3);
      const text =
        valid.slice(0, at) + (pieces[random(pieces.length)] ?? '') + valid.slice(at + cut);
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      expect(jsonErrorAt(text) === undefined, JSON.stringify(text)).toBe(parses);
    }
  });
});

describe('a misspelled title in JSON', () => {
  it('is named in the rejection, with what was meant', () => {
    const error = rejectionOf(() => parseJsonText('{"titel": "Harbour works", "text": "Body."}'));
    expect(error.reason).toBe('no-title');
    expect(error.message).toBe('no title: "titel" is no field: did you mean "title"?');
  });
});
