import { describe, expect, it } from 'vitest';
import { parseSetting } from '../../../shared/config/settings.ts';
import { edgeRequestFunctionCode } from '../../../shared/contract/edge.ts';
import { mediaPlaceholderPath } from '../../../shared/contract/media.ts';
import { parseRedirectRules } from '../../../shared/contract/redirects.ts';
import {
  archivePath,
  articlePath,
  daySitemapPath,
  FEED_FORMATS,
  type FeedLocation,
  feedPath,
  INDEX_PATH,
  listingPagePath,
  NEWS_SITEMAP_PATH,
  NOT_FOUND_PATH,
  OPML_PATH,
  PAGES_SITEMAP_PATH,
  ROBOTS_PATH,
  SITE_TOP_LEVEL_NAMES,
  SITEMAP_INDEX_PATH,
  TAGS_PAGE_PATH,
} from '../../../shared/contract/site-layout.ts';
import { EdgeModel } from '../../../shared/local/edge.ts';

/** The local edge (the deployed viewer-request function's code) with these rules, on an empty bucket. */
function edgeWith(rules: string) {
  const edge = new EdgeModel({
    hubs: [],
    redirects: parseSetting('redirects', rules, 'context'),
    siteUrl: 'https://news.example.com/',
    readOrigin: async () => undefined,
  });
  return async (url: string) => {
    const res = await edge.serve({ method: 'GET', url, headers: { host: 'localhost' } });
    return { status: res.status, location: res.headers.location };
  };
}

describe('old addresses (the redirects setting)', () => {
  it('sends an old address on with a 301, the names of its rule filled in, slash or not', async () => {
    const get = edgeWith(
      '/posts/:slug/ /articles/posts/:slug.html, /:year/:month/:day/:title.html /articles/blog/:year-:month-:day-:title.html\n/feed/ /rss.xml, /about.php https://about.example.org/',
    );
    expect(await get('/posts/budget-vote/')).toEqual({
      status: 301,
      location: '/articles/posts/budget-vote.html',
    });
    expect(await get('/posts/budget-vote')).toEqual({
      status: 301,
      location: '/articles/posts/budget-vote.html',
    });
    // A query is not part of the match (CloudFront hands the function the path alone).
    expect(await get('/posts/caf%C3%A9/?utm_source=x')).toEqual({
      status: 301,
      location: '/articles/posts/caf%C3%A9.html',
    });
    expect(await get('/2019/01/05/quay-reopens.html')).toEqual({
      status: 301,
      location: '/articles/blog/2019-01-05-quay-reopens.html',
    });
    expect(await get('/feed/')).toEqual({ status: 301, location: '/rss.xml' });
    expect(await get('/about.php')).toEqual({
      status: 301,
      location: 'https://about.example.org/',
    });
    // No rule: as before (a 404), and a name matches one segment only.
    expect((await get('/posts/a/b/')).status).toBe(404);
    expect((await get('/posts/')).status).toBe(404);
    expect((await get('/2019/01/05/quay.php')).status).toBe(404);
  });

  it("never takes over one of the site's own paths, a rule that matches it or not", async () => {
    const get = edgeWith(
      '/:a/:b/:c/:d.html /articles/old/:a-:b-:c-:d.html, /:page/ /articles/pages/:page.html',
    );
    // Four segments ending in .html, as the first rule says, but the site's own pages.
    for (const own of ['/articles/2019/01/05.html', '/tags/x/archive/y.html', '/media/a/b/c.html'])
      expect((await get(own)).status).toBe(404);
    expect((await get('/tags/')).status).toBe(404);
    expect(await get('/tags')).toEqual({ status: 301, location: '/tags/' });
    expect(await get('/about/')).toEqual({ status: 301, location: '/articles/pages/about.html' });
    expect(await get('/w/x/y/z.html')).toEqual({
      status: 301,
      location: '/articles/old/w-x-y-z.html',
    });
    // Where a rule sends readers is the site's own: no rule applies there, so no chain, no loop.
    expect((await get('/articles/pages/about.html')).status).toBe(404);
  });

  it('matches what a rule says, character for character, and a name up to the text after it', async () => {
    const get = edgeWith(
      '/about.php /articles/about.html, /a+b/(x)/$1 /articles/plus.html, /:year-:slug/ /articles/:year/:slug.html, /p/:id.:ext /articles/p-:id-:ext.html',
    );
    expect((await get('/about.php')).status).toBe(301);
    expect((await get('/aboutXphp')).status).toBe(404);
    expect((await get('/a+b/(x)/$1')).status).toBe(301);
    expect((await get('/aab/(x)/$1')).status).toBe(404);
    // `:year` stops at the first `-`; `:slug` keeps the rest, dashes and all.
    expect(await get('/2019-quay-reopens-today/')).toEqual({
      status: 301,
      location: '/articles/2019/quay-reopens-today.html',
    });
    expect(await get('/p/12.tar.gz')).toEqual({
      status: 301,
      location: '/articles/p-12-tar.gz.html',
    });
  });

  it('answers an address of any length at once: a failing match never backtracks', async () => {
    // A lazy ([^/]+?) per name made these take seconds to hours (8,000 dashes, four names); the
    // test's own timeout only catches such a hang. Past 1,024 characters no rule is tried.
    const get = edgeWith(
      '/:a-:b-:c-:d.html /articles/:a/:b/:c/:d.html, /x/:a-:b-:c/ /articles/x.html',
    );
    for (const length of [500, 1000, 8000]) {
      expect((await get(`/${'-'.repeat(length)}x`)).status).toBe(404);
      expect((await get(`/x/${'-'.repeat(length)}x/`)).status).toBe(404);
    }
    expect((await get(`/${'a'.repeat(1000)}-b-c-d.html`)).status).toBe(301);
    expect((await get(`/${'a'.repeat(1025)}-b-c-d.html`)).status).toBe(404);
  });

  it('covers every first segment of the paths the site writes', () => {
    const feeds: FeedLocation[] = [
      { kind: 'all' },
      { kind: 'tag', slug: 'budget' },
      { kind: 'author', slug: 'ana-silva' },
    ];
    const paths = [
      articlePath('posts/quay'),
      INDEX_PATH,
      TAGS_PAGE_PATH,
      OPML_PATH,
      NOT_FOUND_PATH,
      SITEMAP_INDEX_PATH,
      NEWS_SITEMAP_PATH,
      ROBOTS_PATH,
      PAGES_SITEMAP_PATH,
      daySitemapPath('2026-12-06'),
      mediaPlaceholderPath('articles/photos/quay.jpg'),
      ...feeds.flatMap((feed) => [
        listingPagePath(feed),
        listingPagePath(feed, 'first'),
        ...FEED_FORMATS.flatMap((f) => [feedPath(feed, f), archivePath(feed, 'first', f)]),
      ]),
    ];
    for (const path of paths) expect(SITE_TOP_LEVEL_NAMES).toContain(path.split('/')[0]);
  });

  it.each([
    ['/posts/:slug/', /is not a rule: write the old path and where it goes/],
    ['/posts/:slug/ /articles/:slug.html /extra', /is not a rule/],
    ['posts/:slug/ /articles/:slug.html', /"posts\/:slug\/" is not a path from the site's root/],
    ['/posts/?p=1 /articles/', /is not a path from the site's root .*no query/],
    ['/posts/#x /articles/', /is not a path/],
    ['//evil.example/x /articles/', /is not a path/],
    ['/ /articles/', /"\/" is the site's own address \(its home page\)/],
    ['/articles/:x /articles/a/:x', /"\/articles\/:x" is the site's own address \(its articles\)/],
    ['/rss.xml /feed/', /its rss\.xml/],
    ['/p/:a:b /articles/', /two names side by side/],
    ['/p/:a/:a/ /articles/', /":a" is named twice/],
    [
      '/p/:slug/ /articles/:id.html',
      /":id" in "\/articles\/:id.html" is not named in "\/p\/:slug\/"/,
    ],
    ['/p/:slug/ x/:slug', /"x\/:slug" is not where to send readers/],
    [
      '/p/:slug/ http://elsewhere.example/',
      /is not where to send readers: a path .* or an https URL/,
    ],
    ['/p/ //elsewhere.example/', /is not where to send readers/],
    ['/u/:who/ https://:who.example.com/', /takes its host from the old address: names may go/],
    ['/u/:who/ https://x.example.com:who/', /takes its host from the old address/],
    [
      '/p/ /articles/a/, /p /articles/b/',
      /"\/p" matches what "\/p\/" does: only the first rule would work/,
    ],
    ['/p/:a/ /articles/:a/, /p/:b /articles/b/:b', /matches what "\/p\/:a\/" does/],
    [
      '/docs/:page/ /docs/:page',
      /"\/docs\/:page" is none of the site's own paths .*could lead to another one/,
    ],
    ['/:a/ /:a.html', /is none of the site's own paths/],
    ['/old/:a/ /new/:a/, /new/:a/ /old/:a/', /is none of the site's own paths/],
    ['/p/ https://x.example/"<b>', /is not a URL/],
    [`/p/${'x'.repeat(300)} /articles/`, /characters long; the limit is 300/],
    [
      Array.from({ length: 51 }, (_, i) => `/p${i}/ /articles/`).join(','),
      /51 rules; the limit is 50/,
    ],
  ])('refuses %j, saying why', (rules, message) => {
    expect(() => parseSetting('redirects', rules, 'context')).toThrow(message);
    expect(() => parseSetting('redirects', rules, 'context')).toThrow(/^redirects: /);
  });

  it('refuses rules the 10 KB of a CloudFront Function cannot hold, and takes none as none', () => {
    const long = Array.from(
      { length: 50 },
      (_, i) =>
        `/an-old-and-rather-long-section-name-${i}/:year/:month/:slug.html /articles/a-new-and-also-rather-long-section-name-${i}/:year-:month-:slug.html`,
    ).join(',');
    expect(() => parseSetting('redirects', long, 'env')).toThrow(
      /^SITE_REDIRECTS: these rules make the edge function \d+ bytes; CloudFront takes 10240/,
    );
    expect(parseSetting('redirects', 'none', 'env')).toEqual([]);
    // No rules, no code: the function a site without them always ran.
    expect(edgeRequestFunctionCode([])).toBe(edgeRequestFunctionCode());
    expect(edgeRequestFunctionCode()).not.toContain('REDIRECTS');
  });

  it('keeps each rule as "from to", so the functions\' environment hands them on unchanged', () => {
    const rules = parseRedirectRules(
      '  /posts/:slug/    /articles/posts/:slug.html ,\n/feed/ /rss.xml\n',
    );
    expect(rules).toEqual(['/posts/:slug/ /articles/posts/:slug.html', '/feed/ /rss.xml']);
    expect(parseRedirectRules(rules.join(','))).toEqual(rules);
  });
});
