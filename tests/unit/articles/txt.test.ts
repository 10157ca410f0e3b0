import { describe, expect, it } from 'vitest';
import { parseArticle } from '../../../shared/articles/parse.ts';
import { isTagLine, parseTxt } from '../../../shared/articles/txt.ts';
import { articleProblems, fixture, rejectionOf, SITE } from './helpers.ts';

const parseTxtFile = (name: string) =>
  parseArticle({ key: 'articles/2019/12/libya.txt', body: fixture(name), siteUrl: SITE });

describe('the sample wire story', () => {
  const { article, warnings } = parseTxtFile('libya-ratifies-turkey-deal.txt');
  const paragraphs = [...article.contentHtml.matchAll(/<p>(.*?)<\/p>/g)].map((m) => m[1] ?? '');

  it('takes the first line as the title', () => {
    expect(article.title).toBe(
      "Libya's internationally recognized gov't ratifies Turkey security deal",
    );
  });

  it('drops both repeated headline lines and keeps exactly 9 paragraphs', () => {
    expect(paragraphs).toHaveLength(9);
    expect(paragraphs[0]).toMatch(
      /^Libya's internationally recognized government said on Dec\. 19/,
    );
    expect(article.contentHtml).not.toContain('ratifies Turkey security deal');
    expect(article.contentHtml).not.toContain('Libyas internationally');
  });

  it('turns the final "security deal," line into exactly one tag', () => {
    expect(article.tags).toEqual([{ slug: 'security-deal', name: 'security deal' }]);
    expect(article.contentHtml).not.toContain('security deal,');
    expect(paragraphs.at(-1)).toMatch(/^According to UN data/);
  });

  it('keeps the text intact (UTF-8, quotes) and summarizes the first paragraph', () => {
    expect(article.contentHtml).toContain('Recep Tayyip Erdoğan');
    expect(article.contentHtml).toContain('a "decisive battle"');
    expect(article.summary).toBe(
      "Libya's internationally recognized government said on Dec. 19 that it has ratified a security and military cooperation deal it agreed with Turkey last month, opening the way for potential military help from Ankara.",
    );
  });

  it('has no date, id, authors or warnings, and breaks no promise', () => {
    expect(article.date).toBeUndefined();
    expect(article.id).toBeUndefined();
    expect(article.authors).toEqual([]);
    expect(article.draft).toBe(false);
    expect(warnings).toEqual([]);
    expect(articleProblems(article)).toEqual([]);
  });

  it.each([
    'corpus/wire-bom-crlf.txt',
    'corpus/wire-cr-only.txt',
    'corpus/wire-utf16le.txt',
    'corpus/wire-utf16be.txt',
  ])('reads %s exactly like the original', (name) => {
    expect(parseTxtFile(name)).toEqual({ article, warnings });
  });
});

describe('parseTxt', () => {
  it('treats markup as text', () => {
    const { article } = parseTxtFile('corpus/html-in-wire.txt');
    expect(article.title).toBe('<script>alert(1)</script> & <b>bold</b> headline');
    expect(article.contentHtml).toBe(
      '<p>Body &lt;img src=x onerror=alert(1)&gt; &amp; ]]&gt; ]]&gt;.</p>',
    );
  });

  it('accepts a story that is only a headline', () => {
    const { fields } = parseTxt('\n\n   Only a headline   \n');
    expect(fields.title).toBe('Only a headline');
    expect(fields.html).toBe('');
    expect(fields.tags).toEqual([]);
  });

  it('drops repeated headlines only right after the title', () => {
    const { fields } = parseTxt('Big news\n\nBIG NEWS!\n\nBody.\n\nBig news\n');
    expect(fields.html).toBe('<p>Body.</p>\n<p>Big news</p>');
  });

  it('joins hard-wrapped lines and reads a multi-tag line', () => {
    const { fields } = parseTxt(fixture('corpus/tag-line-multi.txt').toString('utf8'));
    expect(fields.html).toBe('<p>First paragraph wrapped over two lines.</p>');
    expect(fields.tags.map((t) => t.trim())).toEqual([
      'Libya',
      'Turkey',
      'security deal',
      'U.S. politics',
    ]);
  });

  it('skips lines that clean to nothing when looking for the title', () => {
    expect(parseTxt('\u202e\u2066\u200b\u0007\n\nReal title\n\nbody').fields.title).toBe(
      'Real title',
    );
  });

  it('rejects a file in which no line has a visible character', () => {
    const error = rejectionOf(() => parseTxt('\u202e\u2066\u200b\u0007\n\n\u200d\u2069\n'));
    expect(error.reason).toBe('no-title');
    expect(error.message).toMatch(/^line 1: no title/);
  });
});

describe('a tag line in Arabic or Japanese', () => {
  it('is read as tags, each name whole', () => {
    expect(parseTxt('عنوان\n\nالقصة.\n\nزلزال، تركيا،\n').fields.tags).toEqual([
      'زلزال',
      ' تركيا',
      '',
    ]);
    const { fields } = parseTxt('見出し\n\n本文です。\n\n大雨、大阪、交通\n');
    expect(fields.tags).toEqual(['大雨', '大阪', '交通']);
    expect(fields.html).toBe('<p>本文です。</p>');
  });
});

describe('a closing byline', () => {
  it('stays in the story instead of becoming tags', () => {
    const { fields } = parseTxt(
      'Headline\n\nThe story.\n\nAdditional reporting by Anna Lee, Tom Bak\n',
    );
    expect(fields.tags).toEqual([]);
    expect(fields.html).toContain('Additional reporting by Anna Lee, Tom Bak');
  });
});

describe('isTagLine', () => {
  it.each([
    ['security deal,', true],
    ['Libya, Turkey', true],
    ['Libya, Turkey, security deal, U.S. politics', true],
    ['économie, société,', true],
    ['Reporting by Jane Doe, editing by John Smith.', false],
    // Credits without a full stop are still credits: the story keeps them.
    ['Additional reporting by Anna Lee, Tom Bak', false],
    ['Writing by Tom Bak, Editing by Anna Lee', false],
    ['Photos: AFP, Reuters', false],
    ['Open source, Linux, security', true],
    ['Satellite images, climate', true],
    ['Video by Tom Bak, AFP', false],
    ['© AFP, 2019', false],
    ['Bank of England, interest rates', true],
    ['He said: yes, no', false],
    ['one two three four five six, seven', false],
    ['no commas here', false],
    ['first line,\nsecond line', false],
    [`${'a, '.repeat(150)}b`, false],
    ['"quoted", list"', false],
    // Arabic and CJK commas; their sentences and clauses are no tag line.
    ['زلزال، تركيا،', true],
    ['大雨、大阪、交通', true],
    ['地震，東京', true],
    ['気象台は大雨警報を発表し、交通に影響が出ています。', false],
    ['هل هذا صحيح، أم لا؟', false],
    ['注意：東京、大阪', false],
  ])('%j → %s', (line, expected) => {
    expect(isTagLine(line)).toBe(expected);
  });
});
