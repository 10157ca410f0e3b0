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
      '/:a/:b/:c/:d.html /elsewhere/:a-:b-:c-:d.html, /:page/ /pages/:page.html',
    );
    // Four segments ending in .html, as the first rule says, but the site's own pages.
    for (const own of ['/articles/2019/01/05.html', '/tags/x/archive/y.html', '/media/a/b/c.html'])
      expect((await get(own)).status).toBe(404);
    expect((await get('/tags/')).status).toBe(404);
    expect(await get('/tags')).toEqual({ status: 301, location: '/tags/' });
    expect(await get('/about/')).toEqual({ status: 301, location: '/pages/about.html' });
    expect(await get('/w/x/y/z.html')).toEqual({
      status: 301,
      location: '/elsewhere/w-x-y-z.html',
    });
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
    ['/posts/:slug/ /a/:slug.html /extra', /is not a rule/],
    ['posts/:slug/ /a/:slug.html', /"posts\/:slug\/" is not a path from the site's root/],
    ['/posts/?p=1 /a/', /is not a path from the site's root .*no query/],
    ['/posts/#x /a/', /is not a path/],
    ['//evil.example/x /a/', /is not a path/],
    ['/ /a/', /"\/" is the site's own address \(its home page\)/],
    ['/articles/:x /a/:x', /"\/articles\/:x" is the site's own address \(its articles\)/],
    ['/rss.xml /feed/', /its rss\.xml/],
    ['/p/:a:b /x/', /two names side by side/],
    ['/p/:a/:a/ /x/', /":a" is named twice/],
    ['/p/:slug/ /x/:id.html', /":id" in "\/x\/:id.html" is not named in "\/p\/:slug\/"/],
    ['/p/:slug/ x/:slug', /"x\/:slug" is not where to send readers/],
    [
      '/p/:slug/ http://elsewhere.example/',
      /is not where to send readers: a path .* or an https URL/,
    ],
    ['/p/ //elsewhere.example/', /is not where to send readers/],
    ['/u/:who/ https://:who.example.com/', /takes its host from the old address: names may go/],
    ['/u/:who/ https://x.example.com:who/', /takes its host from the old address/],
    ['/p/ /a/, /p /b/', /"\/p" has two rules: only the first would work/],
    [`/p/${'x'.repeat(300)} /a/`, /characters long; the limit is 300/],
    [Array.from({ length: 51 }, (_, i) => `/p${i}/ /a/`).join(','), /51 rules; the limit is 50/],
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
