import { describe, expect, it } from 'vitest';
import { parseFrontMatter, splitFrontMatter } from '../../../shared/articles/front-matter.ts';
import { parseArticle } from '../../../shared/articles/parse.ts';
import { articleProblems, fixture, rejectionOf, SITE } from './helpers.ts';

const parseMd = (source: string | Buffer, key = 'articles/x.md') =>
  parseArticle({
    key,
    body: typeof source === 'string' ? Buffer.from(source) : source,
    siteUrl: SITE,
  });
const parseFixture = (name: string) => parseMd(fixture(`corpus/${name}`), `articles/${name}`);

describe('Markdown with front matter', () => {
  it('reads every field', () => {
    const { article, warnings } = parseFixture('full-front-matter.md');
    expect(article).toMatchObject({
      id: '2019/12/budget-2020',
      title: 'Council approves the 2020 budget',
      summary: 'The council voted 31 to 9.',
      date: '2019-12-19T09:30:00.000Z',
      updated: '2019-12-20T08:00:00.000Z',
      authors: [
        { slug: 'jane-doe', name: 'Jane Doe', email: 'jane@example.com' },
        {
          slug: 'ali-ben-salah',
          name: 'Ali Ben Salah',
          url: 'https://news.example.com/authors/ali',
        },
      ],
      tags: [
        { slug: 'budget', name: 'Budget' },
        { slug: 'city-council', name: 'city council' },
      ],
      image: 'https://news.example.com/media/budget.jpg',
      link: 'https://other.example.org/budget',
      draft: false,
      language: 'en-GB',
    });
    expect(warnings).toEqual([]);
    expect(articleProblems(article)).toEqual([]);
  });

  it('says a lead image has no image_alt: screen readers would get nothing of it', () => {
    const { warnings } = parseMd('---\ntitle: T\nimage: /media/a.jpg\n---\n\nBody.\n');
    expect(warnings).toContainEqual(expect.stringMatching(/^"image" has no "image_alt"/));
    const described = parseMd(
      '---\ntitle: T\nimage: /media/a.jpg\nimage_alt: The quay\n---\n\nBody.\n',
    );
    expect(described.warnings).toEqual([]);
    // An image in the text with nothing between its brackets, too.
    expect(parseMd('---\ntitle: T\n---\n\n![](/media/b.jpg)\n').warnings).toContainEqual(
      expect.stringMatching(/^an image in the text has no alt text/),
    );
  });

  it('renders the body and drops the heading that repeats the title', () => {
    const { article } = parseFixture('full-front-matter.md');
    expect(article.contentHtml).not.toContain('<h1>');
    expect(article.contentHtml).toContain('<strong>31 to 9</strong>');
    expect(article.contentHtml).toContain(
      '<a href="https://news.example.com/minutes/2019-12-19.pdf" rel="noopener noreferrer">the minutes</a>',
    );
    expect(article.contentHtml).toContain(
      '<img src="https://news.example.com/media/chamber.jpg" alt="Council chamber" title="The chamber" />',
    );
    expect(article.contentHtml).toContain('<td>Roads</td>');
  });

  it.each([
    [
      'heading-only.md',
      'Storm closes schools',
      'Schools in the north closed on Monday as a storm hit.',
    ],
    ['setext-heading.markdown', 'Bridge reopens', 'The bridge reopened after nine months.'],
  ])(
    'takes the title from the first heading of %s when there is no front matter',
    (name, title, summary) => {
      const { article } = parseFixture(name);
      expect(article.title).toBe(title);
      expect(article.summary).toBe(summary);
      expect(article.contentHtml).not.toMatch(/<h1|Storm|Bridge reopens/);
    },
  );

  it('keeps a first heading that differs from the front-matter title', () => {
    const { article } = parseMd('---\ntitle: Main\n---\n# Other\n\nText.');
    expect(article.title).toBe('Main');
    expect(article.contentHtml).toBe('<h1>Other</h1>\n<p>Text.</p>');
  });

  it('reduces a front-matter title with HTML to plain text, and says what it removed', () => {
    const { article, warnings } = parseMd(
      '---\ntitle: "Tom &amp; Jerry <b>go</b> <script>x</script>"\n---\nBody',
    );
    expect(article.title).toBe('Tom & Jerry go');
    expect(warnings).toEqual([
      'field "title": removed "<b>" and any other markup: it is plain text (write &lt; for a "<" that is part of it)',
    ]);
  });

  it('keeps the words after a tag left open in a title, and says what went from a heading used as the title', () => {
    const fromField = parseMd('---\ntitle: "How <script> tags work"\n---\nBody');
    expect(fromField.article.title).toBe('How tags work');
    const fromHeading = parseMd('# The <title> tag explained\n\nBody.');
    expect(fromHeading.article.title).toBe('The tag explained');
    expect(fromHeading.warnings).toContain(
      'line 1: the heading: removed "<title>" and any other markup: it is plain text (write &lt; for a "<" that is part of it)',
    );
  });

  it('keeps a title or summary that only looks like markup where it is written as entities, and warns of one that does not', () => {
    const { article, warnings } = parseMd(
      '---\ntitle: "Why the &lt;main&gt; element matters & 5 < 6 > 4"\nsummary: "sum ]]> <![CDATA[ x"\n---\nBody',
    );
    expect(article.title).toBe('Why the <main> element matters & 5 < 6 > 4');
    expect(warnings).toEqual([
      'field "summary": removed "<![CDATA[ x" and any other markup: it is plain text (write &lt; for a "<" that is part of it)',
    ]);
  });

  it('accepts tags as a comma string, de-duplicated', () => {
    expect(parseFixture('tags-comma-string.md').article.tags).toEqual([
      { slug: 'libya', name: 'Libya' },
      { slug: 'turkey', name: 'Turkey' },
      { slug: 'security-deal', name: 'security deal' },
    ]);
  });

  it('accepts numbers as tags', () => {
    expect(parseFixture('numeric-tags.md').article.tags.map((t) => t.name)).toEqual([
      '2019',
      '3.5',
      'news',
    ]);
    // As written, never as YAML reads the number: 3.10 and 3.1 are two tags, not one.
    const written = parseMd(
      '---\ntitle: T\ntags: [3.10, "3.1", 010, 1e3, 0x1F, true, 123456789012345678901234567890]\n---\nx',
    );
    expect(written.article.tags.map((t) => t.name)).toEqual([
      '3.10',
      '3.1',
      '010',
      '1e3',
      '0x1F',
      'true',
      '123456789012345678901234567890',
    ]);
    expect(new Set(written.article.tags.map((t) => t.slug)).size).toBe(7);
    expect(parseMd('---\ntitle: T\ntags: 3.10\n---\nx').article.tags[0]?.name).toBe('3.10');
    // JSON has no such text: a number JavaScript writes in exponent form is not the editor's.
    const huge = rejectionOf(() =>
      parseMd('{"title": "T", "tags": [123456789012345678901234567890]}', 'articles/a.json'),
    );
    expect(huge.message).toMatch(
      /field "tags\[0\]": expected a string, got number 1\.2345678901234568e\+29/,
    );
  });

  it('caps 100 tags at 12 with a warning', () => {
    const { article, warnings } = parseFixture('many-tags.md');
    expect(article.tags).toHaveLength(12);
    expect(warnings).toEqual(['kept the first 12 tags; dropped 88 more ("t13", "t14", "t15", …)']);
  });

  it('expands a few YAML anchors', () => {
    expect(parseFixture('yaml-anchors.md').article.authors.map((a) => a.name)).toEqual([
      'Jane Doe',
      'Omar Haddad',
    ]);
  });

  it('warns about unknown fields (typos) and still uses the real ones', () => {
    const { article, warnings } = parseFixture('unknown-fields.md');
    expect(article.title).toBe('The real title');
    expect(warnings).toEqual([
      'ignored unknown field "Title" (did you mean "title"?)',
      'ignored unknown field "tittle" (did you mean "title"?)',
      'ignored unknown field "tag" (did you mean "tags"?)',
    ]);
  });

  it("says where Hugo's aliases and Jekyll's redirect_from go instead of ignoring them as typos", () => {
    const { warnings } = parseMd(
      '---\ntitle: Moved here\naliases: [/posts/old/]\nredirect_from: /2019/old.html\n---\nText.\n',
    );
    const why =
      'a story\'s old addresses are not redirected one by one: the site\'s redirects setting sends whole patterns of them on (README "Old addresses")';
    expect(warnings).toEqual([
      `ignored field "aliases": ${why}`,
      `ignored field "redirect_from": ${why}`,
    ]);
  });

  it('keeps a draft and a future date for the caller to schedule', () => {
    expect(parseFixture('draft-scheduled.md').article).toMatchObject({
      draft: true,
      date: '2031-01-01T00:00:00.000Z',
    });
  });

  it('says a time without a time zone is read as UTC; a day alone, or a zone, says nothing', () => {
    const zoneless = parseMd(
      '---\ntitle: T\ndate: 2020-06-01 14:30:00\nupdated: 2020-06-02T09:00\n---\nx',
    );
    expect(zoneless.article.date).toBe('2020-06-01T14:30:00.000Z');
    expect(zoneless.warnings).toEqual([
      '"date" ("2020-06-01 14:30:00") has no time zone: read as UTC; add Z or the offset it was written in (+02:00)',
      '"updated" ("2020-06-02T09:00") has no time zone: read as UTC; add Z or the offset it was written in (+02:00)',
    ]);
    for (const date of [
      '2020-06-01',
      '2020-06-01T14:30:00Z',
      '2020-06-01 14:30+02:00',
      'Mon, 01 Jun 2020 14:30:00 +0000',
    ])
      expect(parseMd(`---\ntitle: T\ndate: ${date}\n---\nx`).warnings, date).toEqual([]);
  });

  it("takes Hugo's and Jekyll's categories as tags, after the tags", () => {
    const { article, warnings } = parseMd(
      '---\ntitle: T\ntags: [Harbour]\ncategories: [City, harbour]\n---\nx',
    );
    expect(article.tags.map((t) => t.name)).toEqual(['Harbour', 'City']);
    expect(warnings).toEqual([]);
    expect(parseMd('---\ntitle: T\ncategories: News, Sport\n---\nx').article.tags).toHaveLength(2);
  });

  it('keeps a Jekyll post marked `published: false` as a draft', () => {
    const parsed = parseMd('---\ntitle: Not yet\npublished: false\n---\nx');
    expect(parsed.article.draft).toBe(true);
    expect(parsed.warnings).toEqual([]);
    expect(parseMd('---\ntitle: Out\npublished: true\n---\nx').article.draft).toBe(false);
    // An export's publication date under that name is not refused for it.
    const dated = parseMd(
      '{"title": "T", "published": "2020-01-01T00:00:00Z", "text": "x"}',
      'articles/a.json',
    );
    expect(dated.article.draft).toBe(false);
    expect(dated.warnings).toEqual([
      'ignored "published" (a string): only published: false means something here (a draft)',
    ]);
  });

  it('treats unresolved YAML tags as plain values, with a warning', () => {
    const { article, warnings } = parseFixture('yaml-custom-tags.md');
    expect(article.title).toBe('function () { alert(1) }');
    expect(warnings[0]).toMatch(/^front matter line 1 \(line 2 of the file\): Unresolved tag/);
  });

  it('prefers link over canonical and says so', () => {
    const { article, warnings } = parseMd('---\ntitle: T\nlink: /a\ncanonical: /b\n---\n');
    expect(article.link).toBe('https://news.example.com/a');
    expect(warnings).toEqual(['both "link" and "canonical" are set; used "link"']);
  });

  it('warns that an update dated before its story shows on the story date', () => {
    const { article, warnings } = parseMd(
      '---\ntitle: T\ndate: 2025-06-01T00:00:00Z\nupdated: 1990-01-01T00:00:00Z\n---\nText.\n',
    );
    expect(article.updated).toBe('1990-01-01T00:00:00.000Z');
    expect(warnings).toEqual([
      '"updated" (1990-01-01T00:00:00.000Z) is before "date" (2025-06-01T00:00:00.000Z): the story shows as updated on its date',
    ]);
    expect(
      parseMd('---\ntitle: T\ndate: 2025-06-01\nupdated: 2025-06-02\n---\nx\n').warnings,
    ).toEqual([]);
  });

  it('drops a bad language tag with a warning', () => {
    const { article, warnings } = parseMd('---\ntitle: T\nlanguage: "english please"\n---\n');
    expect(article.language).toBeUndefined();
    expect(warnings).toEqual([
      'field "language": dropped "english please" (not a language tag such as en or pt-BR)',
    ]);
  });
});

describe('Markdown rejections name what and where', () => {
  it.each([
    [
      'no-title.md',
      'no-title',
      'no title: set "title:" in the front matter or start the text with a "# Heading" line',
    ],
    [
      'unclosed-front-matter.md',
      'bad-front-matter',
      'line 1: front matter starts with --- but no closing --- line follows',
    ],
    [
      'toml-front-matter.md',
      'bad-front-matter',
      'line 1: TOML front matter (+++) is not supported; use YAML between --- lines',
    ],
    [
      'wrong-type-tags.md',
      'invalid-field',
      'front matter line 5 (line 6 of the file): field "tags[2]": expected a string, got an object',
    ],
    [
      'wrong-type-title.md',
      'invalid-field',
      'front matter line 2 (line 3 of the file): field "title": expected a string, got a list',
    ],
    [
      'wrong-type-draft.md',
      'invalid-field',
      'front matter line 2 (line 3 of the file): field "draft": expected true or false, got a string',
    ],
    [
      'bad-date.md',
      'invalid-field',
      'front matter line 3 (line 4 of the file): field "date": "next Tuesday" is not a date; use 2019-12-19, 2019-12-19T10:00:00Z or Thu, 19 Dec 2019 10:00:00 +0000',
    ],
    [
      'impossible-date.md',
      'invalid-field',
      /^front matter line 2 \(line 3 of the file\): field "date": "2019-02-30" is not a date/,
    ],
    [
      'yaml-bomb.md',
      'bad-front-matter',
      'front matter: too many aliases (*references); it looks like a YAML bomb',
    ],
    ['yaml-syntax-error.md', 'bad-front-matter', /^front matter line 3 \(line 4 of the file\): /],
    [
      'duplicate-keys.md',
      'bad-front-matter',
      'front matter line 2 (line 3 of the file): Map keys must be unique',
    ],
    [
      'front-matter-is-a-list.md',
      'bad-front-matter',
      'front matter line 1 (line 2 of the file): expected "key: value" lines',
    ],
    ['bad-id.md', 'bad-id', /^field "id": "\.\.\/\.\.\/index" is not a safe id/],
  ])('%s → %s', (name, reason, message) => {
    const error = rejectionOf(() => parseFixture(name));
    expect(error.reason).toBe(reason);
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it('says a date before the year 1000 is out of range, not that it is no date', () => {
    const error = rejectionOf(() => parseMd('---\ntitle: T\ndate: "0001-01-01"\n---\nx\n'));
    expect(error.message).toBe(
      'front matter line 2 (line 3 of the file): field "date": "0001-01-01": only years 1000–9999 are dates here (a typo?)',
    );
  });

  it('says front matter after blank lines is not read, where it lacks a title because of it', () => {
    const error = rejectionOf(() => parseMd('\n\n---\ntitle: T\n---\nText.\n'));
    expect(error.reason).toBe('no-title');
    expect(error.message).toBe(
      'line 3: front matter must start on the first line; blank lines come before its ---, so it was read as text (no title)',
    );
    // A rule after a paragraph is text, as ever.
    expect(rejectionOf(() => parseMd('Hello\n\n---\ntitle: T\n')).message).toBe(
      'no title: set "title:" in the front matter or start the text with a "# Heading" line',
    );
  });

  it('says a title of markup only is markup, not that there is no "title:"', () => {
    const error = rejectionOf(() =>
      parseMd('---\ndate: 2026-01-01\ntitle: "<script>alert(1)</script>"\n---\nText.\n'),
    );
    expect(error.reason).toBe('no-title');
    expect(error.message).toBe(
      'front matter line 2 (line 3 of the file): no title: "title:" "<script>alert(1)</script>" is only markup, and a title is plain text (markup is removed): write the headline itself',
    );
  });

  it('rejects a title with nothing visible in it, saying so, from the front matter or a heading', () => {
    for (const source of [
      '---\ntitle: "\u200b\u200e\u2060"\n---\nText.\n',
      '# \ufeff\u200f\n\nText.\n',
    ]) {
      const error = rejectionOf(() => parseMd(source));
      expect(error.reason).toBe('no-title');
      expect(error.message).toBe(
        'no title: the title has nothing visible in it (only spaces, zero-width or direction characters and the like)',
      );
    }
  });

  it('names the line of a single author object', () => {
    const error = rejectionOf(() => parseMd('---\ntitle: T\nauthor:\n  name: 5\n---\n'));
    expect(error.message).toBe(
      'front matter line 3 (line 4 of the file): field "author.name": expected a string, got number 5',
    );
  });

  it('names the index in an author list', () => {
    const error = rejectionOf(() => parseMd('---\ntitle: T\nauthors:\n  - ok\n  - [no]\n---\n'));
    expect(error.message).toBe(
      'front matter line 4 (line 5 of the file): field "authors[1]": expected "Name <email>" or an object with name, email, url, got a list',
    );
  });

  it('rejects front matter larger than 64 KiB', () => {
    const error = rejectionOf(() => parseMd(`---\ntitle: T\nx: "${'a'.repeat(70_000)}"\n---\n`));
    expect(error).toMatchObject({
      reason: 'bad-front-matter',
      message: 'front matter is larger than 64 KiB',
    });
  });

  it('rejects deeply nested YAML without crashing', () => {
    const error = rejectionOf(() =>
      parseMd(`---\ntitle: T\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n---\n`),
    );
    expect(error.reason).toBe('bad-front-matter');
  });

  it('rejects Markdown nested too deeply to render, saying how deep and where', () => {
    const error = rejectionOf(() => parseMd(`# T\n\n${'>'.repeat(5000)} x\n`));
    expect(error).toMatchObject({
      reason: 'too-complex',
      message:
        'line 3: Markdown is nested too deeply to render (block quotes and lists, 5000 levels deep); nest fewer levels',
    });
  });
});

describe('front matter helpers', () => {
  it('splits only on a first line of ---, closed by --- or ...', () => {
    expect(splitFrontMatter('---\na: 1\n...\nbody')).toEqual({ yaml: 'a: 1', body: 'body' });
    expect(splitFrontMatter('---  \na: 1\n---\n')).toEqual({ yaml: 'a: 1', body: '' });
    expect(splitFrontMatter('text\n---\na: 1\n---\n')).toEqual({ body: 'text\n---\na: 1\n---\n' });
  });

  it('maps a path to its front-matter line', () => {
    const front = parseFrontMatter('title: x\ntags:\n  - a\n  - b');
    expect(front.lineOf(['tags', 1])).toBe(4);
    expect(front.lineOf(['tags', 7])).toBe(3);
    expect(front.lineOf(['missing'])).toBeUndefined();
  });

  it('treats empty front matter as no fields', () => {
    expect(parseFrontMatter('').data).toEqual({});
  });
});

describe('Markdown from Hugo', () => {
  it('names each shortcode it cannot render (once), and none written as code', () => {
    const { article, warnings } = parseMd(
      [
        '# From Hugo',
        '',
        '{{< youtube dQw4w9WgXcQ >}} and {{< youtube other >}}',
        '',
        '{{% note %}}Careful{{% /note %}} and {{<figure src="x.jpg">}}',
        '',
        '    {{< indented >}} is code',
        '',
        '```',
        '{{< fenced >}}',
        '```',
        '',
        '`{{< figure src="x.jpg" >}}` is how Hugo writes a figure.',
      ].join('\n'),
    );
    expect(article.contentHtml).toContain('{{&lt; youtube dQw4w9WgXcQ &gt;}}');
    expect(article.contentHtml).toContain('{{&lt; indented &gt;}} is code');
    expect(warnings).toEqual([
      'Hugo shortcode "youtube" ({{< youtube … >}}) is not supported: it shows as written; write it as Markdown or HTML (a link, an image, a <video>)',
      'Hugo shortcode "note" ({{% note … %}}) is not supported: it shows as written; write it as Markdown or HTML (a link, an image, a <video>)',
      'Hugo shortcode "figure" ({{< figure … >}}) is not supported: it shows as written; write it as Markdown or HTML (a link, an image, a <video>)',
    ]);
  });
});

describe('a misspelled title', () => {
  it('is named in the rejection, with what was meant (its warning would go with it)', () => {
    for (const [key, line] of [
      ['titel', 2],
      ['Title', 2],
    ] as const) {
      const error = rejectionOf(() => parseMd(`---\n${key}: Harbour works\n---\n\nBody.\n`));
      expect(error.reason).toBe('no-title');
      expect(error.message).toBe(
        `front matter line 1 (line ${line} of the file): no title: "${key}:" is no field: did you mean "title:"?`,
      );
    }
  });
});

describe('a quoted front-matter value never closed', () => {
  it.each([
    ['title: "Bad yaml\ndate: 2026-12-01\nsummary: fine', 1, '"'],
    ["title: ok\nsummary: 'it''s fine\ndate: 2026-12-01", 2, "'"],
    // A quoted value may go on over lines: the one never closed is named.
    ['title: T\nsummary: "multi\n  line"\nauthor: "Ana\ntags: [a]', 4, '"'],
  ])('is named where it opens, not where the front matter ends', (yaml, line, quote) => {
    const error = rejectionOf(() => parseMd(`---\n${yaml}\n---\n\nBody.\n`));
    expect(error.message).toBe(
      `front matter line ${line} (line ${line + 1} of the file): the value's ${quote} is never closed (add the closing ${quote} on this line)`,
    );
  });
});
