import { describe, expect, it } from 'vitest';
import {
  labelSlug,
  normalizeAuthors,
  normalizeTags,
  parseAuthorString,
  splitTagList,
} from '../../../shared/articles/labels.ts';
import { shortHash, slugify } from '../../../shared/articles/slug.ts';
import { SITE } from './helpers.ts';

describe('slugify (shared by ids and labels)', () => {
  it.each([
    ['Security Deal', 'security-deal'],
    ['  security   deal  ', 'security-deal'],
    ['security_deal', 'security-deal'],
    ['SECURITY--DEAL!!', 'security-deal'],
    ['Crème Brûlée', 'creme-brulee'],
    ['Straße', 'strasse'],
    ['Łódź', 'lodz'],
    ['Новый год', 'новый-год'],
    ['Αθήνα', 'αθήνα'],
    ['東京 2020', '東京-2020'],
    ['ＦＵＬＬ　ＷＩＤＴＨ', 'full-width'],
    ['ऑनलाइन समाचार', 'ऑनलाइन-समाचार'],
    ['🎉🎊', ''],
    ['<script>', 'script'],
  ])('%s → %s', (input, slug) => {
    expect(slugify(input)).toBe(slug);
  });
});

describe('normalizeTags', () => {
  it('folds case, spacing and punctuation into one tag; the first spelling wins', () => {
    const { tags, warnings } = normalizeTags([
      'Security Deal',
      'security  deal',
      'SECURITY-DEAL',
      'security_deal',
    ]);
    expect(tags).toEqual([{ slug: 'security-deal', name: 'Security Deal' }]);
    expect(warnings).toEqual([]);
  });

  it('drops empty names (a trailing comma)', () => {
    expect(normalizeTags(splitTagList('security deal,')).tags).toEqual([
      { slug: 'security-deal', name: 'security deal' },
    ]);
    expect(normalizeTags(['', '   ', '\u0007']).tags).toEqual([]);
  });

  it('a tag or author name is plain text: markup in it goes, said (feeds and OPML carry names on)', () => {
    const { tags, warnings } = normalizeTags([
      "<img src=x onerror=alert('t')>",
      'C++ <b>core</b>',
      'R&D',
      'a < b',
    ]);
    expect(tags.map((t) => t.name)).toEqual(['C++ core', 'R&D', 'a < b']);
    expect(warnings).toContainEqual(
      expect.stringMatching(/^tag "C\+\+ <b>core<\/b>": removed "<b>"/),
    );
    expect(warnings.join('\n')).toContain('removed "<img src=x onerror=alert(\'t\')>"');
    const authors = normalizeAuthors(
      [parseAuthorString('Jane <b>Doe</b> <jane@example.com>')],
      'https://news.example.com/',
    );
    expect(authors.authors).toMatchObject([{ name: 'Jane Doe', email: 'jane@example.com' }]);
    expect(authors.warnings).toContainEqual(
      expect.stringMatching(/^author "Jane <b>Doe<\/b>": removed/),
    );
  });

  it('splits a list written with Arabic, ideographic or full-width commas', () => {
    expect(normalizeTags(splitTagList('سياسة، اقتصاد')).tags.map((t) => t.name)).toEqual([
      'سياسة',
      'اقتصاد',
    ]);
    expect(normalizeTags(splitTagList('地震、東京，大阪､交通')).tags.map((t) => t.name)).toEqual([
      '地震',
      '東京',
      '大阪',
      '交通',
    ]);
  });

  it('caps at 12 and names what it dropped', () => {
    const { tags, warnings } = normalizeTags(Array.from({ length: 100 }, (_, i) => `tag ${i + 1}`));
    expect(tags).toHaveLength(12);
    expect(tags.at(-1)).toEqual({ slug: 'tag-12', name: 'tag 12' });
    expect(warnings).toEqual([
      'kept the first 12 tags; dropped 88 more ("tag 13", "tag 14", "tag 15", …)',
    ]);
  });

  it('counts duplicates once before capping', () => {
    const names = [...Array.from({ length: 12 }, (_, i) => `t${i}`), 'T0', 't1 ', ' T2'];
    const { tags, warnings } = normalizeTags(names);
    expect(tags).toHaveLength(12);
    expect(warnings).toEqual([]);
  });

  it('gives emoji-only tags a stable hashed slug', () => {
    const { tags } = normalizeTags(['🎉', '🎉 ', '🎊']);
    expect(tags).toHaveLength(2);
    expect(tags[0]?.slug).toMatch(/^h-[0-9a-f]{8}$/);
    expect(tags[0]?.slug).toBe(labelSlug('🎉'));
    expect(tags[0]?.slug).not.toBe(tags[1]?.slug);
  });

  it('bounds names and slugs, and cleans names', () => {
    const { tags } = normalizeTags([`${'long '.repeat(60)}tag`, 'a\u0000b\u202e c\n d']);
    expect(tags[0]?.name.length).toBeLessThanOrEqual(100);
    expect(tags[0]?.slug.length).toBeLessThanOrEqual(80);
    expect(tags[0]?.slug.endsWith('-')).toBe(false);
    expect(tags[1]).toEqual({ slug: 'ab-c-d', name: 'ab c d' });
  });

  it('gives distinct labels distinct slugs, whatever the readable slug drops', () => {
    const slugs = ['C', 'C++', 'C#', 'F#', 'AT&T', '$', '1+1', '10%'].map(labelSlug);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect(slugs.slice(0, 3)).toEqual(['c', `c-${shortHash('c++')}`, `c-${shortHash('c#')}`]);
    // Spelling variants of one name stay one label with a readable slug.
    for (const name of ['c', ' C ', 'c.', '(C)', '“C”']) expect(labelSlug(name)).toBe('c');
    for (const name of ['Ayşe Demir', 'ayse demir', 'AYSE-DEMIR', 'Ayşe_Demir'])
      expect(labelSlug(name)).toBe('ayse-demir');
    expect(labelSlug('desk@example.com')).toBe('desk-example-com');
    // Nor can a name that looks hashed take another name's slug.
    const lookalike = labelSlug(slugs[1] ?? '');
    expect(lookalike).not.toBe(slugs[1]);
    expect(lookalike).toBe(`${slugs[1]}-${shortHash(slugs[1] ?? '')}`);
  });

  it('keeps two long labels with the same first 80 characters apart', () => {
    const stem = 'word '.repeat(17); // 85 characters: past the slug's 80, within a name's 100
    const [a, b] = [labelSlug(`${stem}alpha`), labelSlug(`${stem}beta`)];
    expect(a).not.toBe(b);
    for (const slug of [a, b]) {
      expect(slug.length).toBeLessThanOrEqual(80);
      expect(slug).toMatch(/^word-word-.*-[0-9a-f]{8}$/);
    }
    expect(normalizeTags([`${stem}alpha`, `${stem}beta`]).tags).toHaveLength(2);
  });

  it('keeps two names that differ past the 100 characters shown apart, and says they were cut', () => {
    const stem =
      'Coverage of the 2024 regional elections in the northern provinces, including every constituency result';
    const { tags, warnings } = normalizeTags([`${stem}: North`, `${stem}: South`]);
    expect(tags).toHaveLength(2);
    expect(tags[0]?.slug).not.toBe(tags[1]?.slug);
    expect(tags.map((t) => t.name.length <= 100)).toEqual([true, true]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^tag name longer than 100 characters: shown as "Coverage of/);
    const long =
      'Maria Anna Sophia Wilhelmina Josepha Theresia von und zu Liechtenstein-Hohenberg-Esterházy de';
    const bylines = normalizeAuthors(
      [{ name: `${long} Galántha` }, { name: `${long} Galántha-Two` }],
      SITE,
    );
    expect(bylines.authors).toHaveLength(2);
    expect(bylines.warnings[0]).toMatch(/^author name longer than 100 characters/);
  });

  it('drops a tag that is markup only, and says so', () => {
    const { tags, warnings } = normalizeTags(['<script>alert(1)</script>']);
    expect(tags).toEqual([]);
    expect(warnings[0]).toMatch(/^tag "<script>alert\(1\)<\/script>": removed "<script>"/);
  });
});

describe('parseAuthorString', () => {
  it.each([
    ['Jane Doe <jane@example.com>', { name: 'Jane Doe', email: 'jane@example.com' }],
    ['jane@example.com', { email: 'jane@example.com' }],
    ['Jane Doe', { name: 'Jane Doe' }],
    ['<jane@example.com>', { name: '', email: 'jane@example.com' }],
    ['Jane <not an email>', { name: 'Jane', email: 'not an email' }],
    ['A <b> C', { name: 'A <b> C' }],
    ['Jane\n<jane@example.com>', { name: 'Jane', email: 'jane@example.com' }],
    ['Ja\nne <jane@example.com>', { name: 'Ja\nne <jane@example.com>' }],
    ['  Jane Doe   <a<b>  ', { name: '  Jane Doe   <a', email: 'b' }],
    ['Jane <a>b>', { name: 'Jane <a>b>' }],
    // The address is the first <…> that holds one; what else there is stays the name (as text).
    [
      'Carol <c@x.org> <script>alert(1)</script>',
      { name: 'Carol <script>alert(1)</script>', email: 'c@x.org' },
    ],
    [
      'Jane <jane@example.com> (Paris desk)',
      { name: 'Jane (Paris desk)', email: 'jane@example.com' },
    ],
    // RSS's own form.
    ['jane@example.com (Jane Doe)', { name: 'Jane Doe', email: 'jane@example.com' }],
    ['not-an-address (Jane Doe)', { name: 'not-an-address (Jane Doe)' }],
    ['jane@example.com ()', { name: 'jane@example.com ()' }],
  ])('%s', (input, expected) => {
    expect(parseAuthorString(input)).toEqual(expected);
  });
});

describe('normalizeAuthors', () => {
  it('slugs names, resolves relative URLs and keeps good emails', () => {
    const { authors, warnings } = normalizeAuthors(
      [
        { name: 'Zoë Ångström', email: 'zoe@example.com', url: '/authors/zoe' },
        { name: 'زينب', url: 'https://example.org/z' },
      ],
      SITE,
    );
    expect(authors).toEqual([
      {
        slug: 'zoe-angstrom',
        name: 'Zoë Ångström',
        email: 'zoe@example.com',
        url: 'https://news.example.com/authors/zoe',
      },
      { slug: 'زينب', name: 'زينب', url: 'https://example.org/z' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('drops bad emails and script URLs with a warning, keeps the author', () => {
    const { authors, warnings } = normalizeAuthors(
      [{ name: 'Mallory', email: 'not an email', url: 'javascript:alert(1)' }],
      SITE,
    );
    expect(authors).toEqual([{ slug: 'mallory', name: 'Mallory' }]);
    expect(warnings).toEqual([
      'author "Mallory": dropped email "not an email" (not an email address)',
      'author "Mallory": dropped url: "javascript:alert(1)" uses javascript: (allowed: http, https)',
    ]);
  });

  it('uses the email as the name when there is no name, drops authors with nothing', () => {
    const { authors, warnings } = normalizeAuthors(
      [{ email: 'desk@example.com' }, { name: '  ' }, { url: 'https://x.example/' }],
      SITE,
    );
    expect(authors).toEqual([
      { slug: 'desk-example-com', name: 'desk@example.com', email: 'desk@example.com' },
    ]);
    expect(warnings).toEqual(['dropped an author with no name']);
  });

  it('de-duplicates by slug and caps at 5', () => {
    const inputs = [{ name: 'Jane Doe' }, { name: 'jane  doe', email: 'x@example.com' }];
    for (let i = 0; i < 15; i += 1) inputs.push({ name: `Writer ${i}` });
    const { authors, warnings } = normalizeAuthors(inputs, SITE);
    expect(authors).toHaveLength(5);
    expect(authors[0]).toEqual({ slug: 'jane-doe', name: 'Jane Doe' });
    expect(warnings).toEqual([
      'author "jane doe": the same byline as "Jane Doe" (one author page, /authors/jane-doe/); kept as "Jane Doe"',
      'kept the first 5 authors; dropped 11 more ("Writer 4", "Writer 5", "Writer 6", …)',
    ]);
  });

  it('says so when it merges two bylines into one, and keeps a repeated one silently', () => {
    const { authors, warnings } = normalizeAuthors(
      [
        { name: 'Ana Silva', email: 'ana@example.com' },
        { name: 'Ána Sílva' },
        { name: 'Ana Silva', email: 'ana@example.com' },
      ],
      SITE,
    );
    expect(authors).toEqual([{ slug: 'ana-silva', name: 'Ana Silva', email: 'ana@example.com' }]);
    expect(warnings).toEqual([
      'author "Ána Sílva": the same byline as "Ana Silva" (one author page, /authors/ana-silva/); kept as "Ana Silva"',
    ]);
  });

  it('drops names with nothing visible in them, saying what they were made of', () => {
    const { authors, warnings } = normalizeAuthors(
      [{ name: '\u200b\u200e', email: 'zw@example.com' }, { name: '\u2061' }],
      SITE,
    );
    expect(authors).toEqual([
      { slug: 'zw-example-com', name: 'zw@example.com', email: 'zw@example.com' },
    ]);
    expect(warnings).toEqual([
      'author name with nothing visible in it (U+200B U+200E): not used',
      'author name with nothing visible in it (U+2061): not used',
    ]);
    const tags = normalizeTags(['\u2060', 'Harbour', '\u00ad\u200d', '\u202e', 'x,', ' ']);
    expect(tags.tags.map((t) => t.name)).toEqual(['Harbour', 'x,']);
    expect(tags.warnings).toEqual([
      'dropped a tag with nothing visible in it (U+2060)',
      'dropped a tag with nothing visible in it (U+00AD U+200D)',
      'dropped a tag with nothing visible in it (U+202E)',
    ]);
  });

  it('does not let a zero-width space make a second tag or author that reads the same', () => {
    const { tags } = normalizeTags(['secu\u200brity', 'Security', '\ufeffHarbour']);
    expect(tags).toEqual([
      { slug: 'security', name: 'security' },
      { slug: 'harbour', name: 'Harbour' },
    ]);
    const { authors } = normalizeAuthors(
      [{ name: 'Ze\u200bro Width' }, { name: 'Zero Width' }],
      SITE,
    );
    expect(authors).toEqual([{ slug: 'zero-width', name: 'Zero Width' }]);
  });
});
