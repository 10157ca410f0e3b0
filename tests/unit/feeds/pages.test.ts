import { describe, expect, it } from 'vitest';
import {
  renderArticlePage,
  renderMovedPage,
  renderWithdrawnPage,
} from '../../../shared/feeds/article-page.ts';
import type { FeedListing } from '../../../shared/feeds/feed-listing.ts';
import { INDEX_TAG_LIMIT, renderIndex } from '../../../shared/feeds/index-page.ts';
import { renderListingPage } from '../../../shared/feeds/listing-page.ts';
import { renderNotFound } from '../../../shared/feeds/not-found-page.ts';
import { renderTagsPage } from '../../../shared/feeds/tags-page.ts';
import { article, latestArticles, site } from '../../fixtures/feeds/articles.ts';

const SNAPSHOTS = '../../fixtures/feeds/snapshots';
const listings: FeedListing[] = [
  { feed: { kind: 'all' }, count: 3 },
  { feed: { kind: 'tag', slug: 'weather', name: 'Weather' }, count: 1 },
  { feed: { kind: 'tag', slug: 'libya', name: 'Libya' }, count: 2 },
  { feed: { kind: 'tag', slug: 'security-deal', name: 'security deal' }, count: 1 },
  { feed: { kind: 'author', slug: 'sam-lee', name: 'Sam Lee' }, count: 1 },
  { feed: { kind: 'author', slug: 'ayse-demir', name: 'Ayşe Demir' }, count: 1 },
];
const alternates = (html: string) =>
  [...html.matchAll(/<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">/g)].map(
    (m) => `${m[1]} ${m[2]}`,
  );

/** Script, frames, handlers or javascript: URLs anywhere in markup (quoted values are data). */
function activeMarkup(html: string): string[] {
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  return tags.filter((tag) => {
    const bare = tag.replace(/"[^"]*"/g, '""');
    return (
      /^<(script|iframe|object|embed|style)\b|\son\w+=/i.test(bare) ||
      /=\s*"\s*javascript:/i.test(tag)
    );
  });
}

const DATA_BLOCK = /<script type="application\/ld\+json">([^<]*)<\/script>/g;

/**
 * The page's JSON-LD: the only `<script` elements a page may have are `application/ld+json`
 * data blocks (never run; CSP's `default-src 'none'` blocks script anyway), each valid JSON
 * with no `<` in it, so no text can end the element early.
 */
function jsonLdOf(html: string): Record<string, unknown>[] {
  return [...html.matchAll(DATA_BLOCK)].map((m) => JSON.parse(m[1] ?? ''));
}

/** The loose HTML5 shape every page must have. */
function expectPageShape(html: string, lang = 'en') {
  jsonLdOf(html);
  html = html.replace(DATA_BLOCK, '');
  expect(html.startsWith('<!DOCTYPE html>\n<html lang="')).toBe(true);
  expect(html).toContain(`<html lang="${lang}">`);
  expect(html).toContain('<meta charset="utf-8">');
  expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(html).toMatch(/<title>[^<]+<\/title>/);
  expect(html.trimEnd().endsWith('</html>')).toBe(true);
  expect(activeMarkup(html.replace(/<style>[^<]*<\/style>/, ''))).toEqual([]);
  expect(html).not.toMatch(/<script/i);
  expect(alternates(html).slice(0, 3)).toEqual([
    'application/rss+xml https://news.example.com/rss.xml',
    'application/atom+xml https://news.example.com/atom.xml',
    'application/feed+json https://news.example.com/feed.json',
  ]);
}

describe('renderArticlePage', () => {
  it('matches the snapshot', async () => {
    await expect(renderArticlePage(article(), site)).toMatchFileSnapshot(
      `${SNAPSHOTS}/article.html`,
    );
  });

  it('announces the site feeds and the feeds of its tags and authors', () => {
    const html = renderArticlePage(article(), site);
    expectPageShape(html);
    expect(alternates(html)).toHaveLength(12);
    expect(alternates(html)).toContain(
      'application/atom+xml https://news.example.com/tags/security-deal/atom.xml',
    );
    expect(alternates(html)).toContain(
      'application/feed+json https://news.example.com/authors/ayse-demir/feed.json',
    );
    expect(html).toContain(
      '<link rel="canonical" href="https://news.example.com/articles/2019/12/libya-ratifies-turkey-deal.html">',
    );
    expect(html).toContain('<time datetime="2019-12-05T09:30:00.000Z">December 5, 2019</time>');
    expect(html).toContain('updated <time datetime="2019-12-05T11:00:00.000Z">');
  });

  it('uses the article language and its own canonical link', () => {
    const html = renderArticlePage(latestArticles[0] ?? article(), site);
    expect(html).toContain(
      '<link rel="canonical" href="https://partner.example.org/stories/harbour?ref=feed&amp;lang=en">',
    );
    // Written right to left; the site's own words around it say their language and direction.
    const arabic = renderArticlePage(article({ language: 'ar' }), site);
    expect(arabic).toContain('<html lang="ar" dir="rtl">');
    expect(arabic).toContain('<header lang="en" dir="ltr">');
    expect(arabic).toContain('<footer lang="en" dir="ltr">');
    // The byline's and the Follow list's words too, the names in them isolated (<bdi>), the
    // dates in the site's language as the words around them.
    expect(arabic).toMatch(
      /<p class="meta" lang="en" dir="ltr">By <bdi>[^<]+<\/bdi> · Published <time datetime="[^"]+">/,
    );
    expect(arabic).toMatch(/<footer lang="en" dir="ltr"><h2>Follow<\/h2>/);
    expect(arabic).toMatch(/<li>Tag <a href="[^"]+"><bdi>[^<]+<\/bdi><\/a>: /);
    const serbian = renderArticlePage(article({ language: 'sr-Latn' }), site);
    expect(serbian).toContain('<html lang="sr-Latn">');
    expect(serbian).toContain('<header lang="en">');
    expect(renderArticlePage(article({ language: 'az-Arab' }), site)).toContain('dir="rtl"');
  });

  it('gives search engines and link previews what they ask for: locale, image text, author pages, language', () => {
    const html = renderArticlePage(
      article({
        language: 'pt-BR',
        image: 'https://news.example.com/media/quay.jpg',
        imageText: { alt: 'The quay at dawn, "rebuilt"' },
        authors: [
          { slug: 'ayse-demir', name: 'Ayşe Demir' },
          { slug: 'bilal', name: 'Bilal Haddad', url: 'https://bilal.example.org/about' },
          { slug: '', name: 'Staff' },
        ],
      }),
      site,
    );
    expect(html).toContain('<meta property="og:locale" content="pt_BR">');
    expect(html).toContain(
      '<meta property="og:image:alt" content="The quay at dawn, &quot;rebuilt&quot;">',
    );
    expect(html).toContain(
      '<meta name="twitter:image:alt" content="The quay at dawn, &quot;rebuilt&quot;">',
    );
    expect(html).toContain('<meta name="robots" content="max-image-preview:large">');
    const [data] = jsonLdOf(html);
    expect(data).toMatchObject({
      inLanguage: 'pt-BR',
      author: [
        {
          '@type': 'Person',
          name: 'Ayşe Demir',
          url: 'https://news.example.com/authors/ayse-demir/',
        },
        { '@type': 'Person', name: 'Bilal Haddad', url: 'https://bilal.example.org/about' },
        { '@type': 'Person', name: 'Staff' },
      ],
    });
    expect((data?.author as object[] | undefined)?.[2]).not.toHaveProperty('url');
    // A language without a territory has its likely one; no image, no image text; a tag with no
    // two-letter language and territory names none (a link preview could not read it).
    for (const lang of ['es-419', 'fil', 'x-klingon'])
      expect(renderArticlePage(article({ language: lang }), site)).not.toContain('og:locale');
    const arabic = renderArticlePage(article({ language: 'ar', image: undefined }), site);
    expect(arabic).toContain('<meta property="og:locale" content="ar_EG">');
    expect(arabic).not.toContain('image:alt');
    // A story whose canonical address is elsewhere is that address to search engines too.
    const partner = renderArticlePage(latestArticles[0] ?? article(), site);
    expect(jsonLdOf(partner)[0]).toMatchObject({
      url: 'https://partner.example.org/stories/harbour?ref=feed&lang=en',
      mainEntityOfPage: 'https://partner.example.org/stories/harbour?ref=feed&lang=en',
    });
  });

  it('escapes text and strips active content from hostile articles', () => {
    const html = renderArticlePage(
      article({
        title: '</title><script>alert(1)</script>',
        summary: '"><script>alert(2)</script>',
        contentHtml:
          '<p onclick="x()">ok</p><script>alert(3)</script><iframe src="https://evil"></iframe><a href="javascript:alert(4)">a</a><img src="x.png" onerror="alert(5)"><style>body{}</style>\u0000',
        tags: [{ slug: 'x"><script>', name: '<script>alert(6)</script>' }],
        authors: [{ slug: 'y', name: '<img src=x onerror=alert(7)>' }],
        image: 'javascript:alert(8)',
      }),
      site,
    );
    expectPageShape(html);
    expect(html).toContain(
      '<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; — Example News</title>',
    );
    // Not ingest's output (which never holds a script): the page shows its text, no markup.
    expect(html).toContain('<div class="content">\n<p>ok alert(3) a body{}</p>\n</div>');
    expect(html).not.toContain('\u0000');
    // The title reaches the JSON-LD as data: the same text, no markup that could end the block.
    const [data] = jsonLdOf(html);
    expect(data).toMatchObject({
      '@type': 'NewsArticle',
      headline: '</title><script>alert(1)</script>',
      author: [{ '@type': 'Person', name: '<img src=x onerror=alert(7)>' }],
    });
  });

  it('describes itself for link previews (OpenGraph, Twitter cards), escaped', () => {
    const html = renderArticlePage(article({ title: 'Quotes "and" <tags>' }), site);
    const meta = (attribute: string, name: string) =>
      new RegExp(`<meta ${attribute}="${name}" content="([^"]*)">`).exec(html)?.[1];
    expect(meta('property', 'og:type')).toBe('article');
    expect(meta('property', 'og:title')).toBe('Quotes &quot;and&quot; &lt;tags&gt;');
    expect(meta('property', 'og:url')).toBe(
      'https://news.example.com/articles/2019/12/libya-ratifies-turkey-deal.html',
    );
    expect(meta('property', 'og:image')).toBe('https://news.example.com/media/tripoli.jpg');
    expect(meta('property', 'og:site_name')).toBe('Example News');
    expect(meta('property', 'article:published_time')).toBe('2019-12-05T09:30:00.000Z');
    expect(meta('name', 'twitter:card')).toBe('summary_large_image');
    const home = renderIndex(site, latestArticles, listings);
    expect(home).toContain('<meta property="og:type" content="website">');
    expect(home).toContain('<meta name="twitter:card" content="summary">');
  });

  it('carries the correction log, visible and dated, and as schema.org corrections', () => {
    const html = renderArticlePage(
      article({
        corrections: [
          { date: '2019-12-06T08:00:00.000Z', text: 'An earlier version misspelled the name.' },
          { date: '2019-12-07T08:00:00.000Z', text: 'The vote was 72 to 1, not 71 to 2 </script>' },
        ],
      }),
      site,
    );
    expectPageShape(html);
    expect(html).toContain(
      '<p><strong>Correction</strong> (2019-12-06): An earlier version misspelled the name.</p>',
    );
    expect(html).toContain('not 71 to 2 &lt;/script&gt;</p>');
    expect(jsonLdOf(html)[0]?.correction).toEqual([
      {
        '@type': 'CorrectionComment',
        text: 'An earlier version misspelled the name.',
        datePublished: '2019-12-06T08:00:00.000Z',
      },
      {
        '@type': 'CorrectionComment',
        text: 'The vote was 72 to 1, not 71 to 2 </script>',
        datePublished: '2019-12-07T08:00:00.000Z',
      },
    ]);
  });

  it('a withdrawn story: a notice with its title, date and note, none of its content', () => {
    const html = renderWithdrawnPage(
      article({
        status: 'withdrawn',
        withdrawn: { at: '2019-12-08T10:00:00.000Z', note: 'Legal <reasons>.' },
      }),
      site,
    );
    expectPageShape(html);
    expect(html).toContain('<h1>Withdrawn: Libya ratifies Turkey deal</h1>');
    expect(html).toContain(
      'This story was withdrawn on <time datetime="2019-12-08T10:00:00.000Z">December 8, 2019</time>.',
    );
    expect(html).toContain('<p>Legal &lt;reasons&gt;.</p>');
    expect(html).not.toContain('ratified');
  });
});

describe('renderIndex', () => {
  const html = renderIndex(site, latestArticles, listings);

  it('matches the snapshot', async () => {
    await expect(html).toMatchFileSnapshot(`${SNAPSHOTS}/index.html`);
  });

  it('lists the latest articles in the order given, with links to the tags page and OPML', () => {
    expectPageShape(html);
    expect(alternates(html)).toHaveLength(3);
    const titles = [...html.matchAll(/<h3><a href="([^"]+)">([^<]+)<\/a><\/h3>/g)].map((m) => m[2]);
    expect(titles).toEqual([
      'Harbour reopens after storm',
      'Libya ratifies Turkey deal',
      'Olive harvest: &quot;best in a decade&quot;',
    ]);
    expect(html).toContain('href="https://news.example.com/tags/"');
    expect(html).toContain('href="https://news.example.com/feeds.opml"');
    expect(html).toContain('<time datetime="2020-01-10T08:00:00.000Z">January 10, 2020</time>');
  });

  it('says so when there are no articles', () => {
    expect(renderIndex(site, [], [])).toContain('<p>No articles yet.</p>');
  });

  it('names only the most used tags, and links the tags page for the rest', () => {
    const many: FeedListing[] = Array.from({ length: INDEX_TAG_LIMIT + 12 }, (_, i) => ({
      feed: { kind: 'tag', slug: `t${i}`, name: `Tag ${i}` },
      count: i + 1,
    }));
    const tagLine = /<p>Tags: (.*)<\/p>/.exec(renderIndex(site, [], many))?.[1] ?? '';
    const named = [...tagLine.matchAll(/>Tag (\d+)</g)].map((m) => Number(m[1]));
    expect(named).toHaveLength(INDEX_TAG_LIMIT);
    // The most used: counts 13 … 42, i.e. tags 12 … 41.
    expect(Math.min(...named)).toBe(12);
    expect(tagLine).toContain('>12 more</a>');
  });
});

describe('renderTagsPage', () => {
  const html = renderTagsPage(site, listings);

  it('matches the snapshot', async () => {
    await expect(html).toMatchFileSnapshot(`${SNAPSHOTS}/tags.html`);
  });

  it('describes itself to search results: what it lists, and the site', () => {
    expect(html).toContain(
      '<meta name="description" content="Feeds by tag and author: Wire stories from the Mediterranean &amp; beyond.">',
    );
    const plain = renderTagsPage({ ...site, description: ' ' }, listings);
    expect(plain).toContain('<meta name="description" content="Feeds by tag and author">');
  });

  it('lists every tag and author, sorted, each with its three feeds', () => {
    expectPageShape(html);
    const ids = [...html.matchAll(/<li id="([^"]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual([
      'site',
      'tag-libya',
      'tag-security-deal',
      'tag-weather',
      'author-ayse-demir',
      'author-sam-lee',
    ]);
    for (const dir of ['tags/weather/', 'authors/sam-lee/', '']) {
      for (const file of ['rss.xml', 'atom.xml', 'feed.json']) {
        expect(html).toContain(`href="https://news.example.com/${dir}${file}"`);
      }
    }
    expect(html).toContain('(2 articles)');
    expect(html).toContain('(1 article)');
  });

  it('escapes hostile names', () => {
    const hostile = renderTagsPage(site, [
      { feed: { kind: 'tag', slug: 'a"b', name: '<script>x</script>' }, count: 1 },
    ]);
    expect(hostile).not.toMatch(/<script/);
    expect(hostile).toContain('<li id="tag-a%22b">');
  });
});

describe('renderListingPage', () => {
  const tag = { kind: 'tag', slug: 'libya', name: 'Libya' } as const;
  const alternates = (html: string) =>
    [...html.matchAll(/<link rel="alternate" type="[^"]+" title="[^"]*" href="([^"]+)">/g)].map(
      (m) => m[1],
    );

  it('keeps a tag page with no story left out of search indexes, not the home page', () => {
    const empty = renderListingPage(site, tag, [], {});
    expect(empty).toContain('<meta name="robots" content="noindex">');
    expect(renderListingPage(site, tag, latestArticles, {})).not.toContain('name="robots"');
    expect(renderListingPage(site, { kind: 'all' }, [], {})).not.toContain('noindex');
  });

  it("announces its own feeds before the site's, and describes itself", () => {
    const html = renderListingPage(site, tag, latestArticles, {});
    expect(alternates(html).slice(0, 3)).toEqual([
      'https://news.example.com/tags/libya/rss.xml',
      'https://news.example.com/tags/libya/atom.xml',
      'https://news.example.com/tags/libya/feed.json',
    ]);
    expect(alternates(html)).toContain('https://news.example.com/rss.xml');
    expect(html).toMatch(/<meta name="description" content="[^"]*Libya[^"]*">/);
  });

  it('titles an older page by the dates it spans, so no two pages share a title', () => {
    const older = renderListingPage(site, tag, latestArticles, { page: 'p1', newer: undefined });
    const dates = latestArticles.map((a) => a.published.slice(0, 10)).sort();
    const span = `${dates[0]} to ${dates.at(-1)}`;
    expect(older).toMatch(new RegExp(`<title>[^<]*: Stories from ${span}</title>`));
    expect(older).toMatch(new RegExp(`<meta name="description" content="Stories from ${span} — `));
  });
});

describe('renderNotFound', () => {
  it('is a page that says so and links home', async () => {
    const html = renderNotFound(site);
    expectPageShape(html);
    expect(html).toContain('<h1>Page not found</h1>');
    await expect(html).toMatchFileSnapshot(`${SNAPSHOTS}/404.html`);
  });
});

describe('pages for screen readers and keyboards', () => {
  it('a story whose body has an h1 of its own: every body heading one level down, on the page only', () => {
    const body = '<h1>Part one</h1><p>x</p><h2>Detail</h2><h6>Small</h6>';
    const html = renderArticlePage(article({ contentHtml: body }), site);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('<h2>Part one</h2><p>x</p><h3>Detail</h3><h6>Small</h6>');
    // Without a body h1, the body's headings stay as written.
    expect(renderArticlePage(article({ contentHtml: '<h2>Part</h2>' }), site)).toContain(
      '<h2>Part</h2>',
    );
  });

  it('a story’s tables and code scroll in regions a keyboard reaches, named; one box a table', () => {
    const body =
      '<table><caption>Votes "for" &amp; <em>against</em></caption><tr><td><table><tr><td>x</td></tr></table></td></tr></table><pre><code>x</code></pre>';
    const html = renderArticlePage(article({ contentHtml: body }), site);
    expect(html).toContain(
      '<div class="scroll" role="region" tabindex="0" aria-label="Votes &quot;for&quot; &amp; against"><table><caption>',
    );
    expect(html.match(/class="scroll"/g)).toHaveLength(2);
    // A caption with space before it, attributes, or over lines names its table too.
    const spaced = renderArticlePage(
      article({
        contentHtml: '<table>\n<caption dir="ltr">Two\nlines</caption><tr><td>x</td></tr></table>',
      }),
      site,
    );
    expect(spaced).toContain('aria-label="Two\nlines"');
    expect(html).toContain(
      '</table></td></tr></table></div><div class="scroll" role="region" tabindex="0" aria-label="Code"><pre><code>x</code></pre></div>',
    );
  });

  it('a listing page puts its stories right under its h1, and names its navigation landmarks', () => {
    const html = renderListingPage(
      site,
      { kind: 'tag', slug: 'libya', name: 'Libya' },
      [article()],
      {
        page: 'p1',
        older: 'p0',
      },
    );
    expect(html).toMatch(/<h2><a href="[^"]+">Libya ratifies Turkey deal<\/a><\/h2>/);
    expect(html).not.toContain('<h3>');
    expect(html).toContain('<nav aria-label="Subscribe">');
    expect(html).toContain('<nav aria-label="Pages">');
  });

  it('a moved story’s page says so in its heading, and its link is the story’s title', () => {
    const html = renderMovedPage(
      article(),
      'https://news.example.com/articles/2019/12/new.html',
      site,
    );
    expect(html).toContain('<h1>Moved: Libya ratifies Turkey deal</h1>');
    expect(html).toContain(
      '<a href="https://news.example.com/articles/2019/12/new.html">Libya ratifies Turkey deal</a>',
    );
  });
});
