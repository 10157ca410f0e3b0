import { MEDIA_SITE_PREFIX } from './media.ts';

/**
 * Where everything lives in the site bucket, and how it is served.
 * The one place that knows the site bucket's layout.
 */

/** Which feed a path is for: the site-wide one, or a tag's or an author's (a FeedRef fits). */
export type FeedLocation = { kind: 'all' } | { kind: 'tag' | 'author'; slug: string };

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

const FEED_FILE: Record<FeedFormat, string> = {
  rss: 'rss.xml',
  atom: 'atom.xml',
  json: 'feed.json',
};

/** The file name of a feed format (`rss.xml`, `atom.xml`, `feed.json`). */
export const feedFileName = (format: FeedFormat): string => FEED_FILE[format];

export const CONTENT_TYPE = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  opml: 'text/x-opml; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
  text: 'text/plain; charset=utf-8',
} as const;

/**
 * The Content-Type a file is stored with in the site bucket, where it is not the one it is
 * served with (CONTENT_TYPE): CloudFront compresses only the types of EDGE_COMPRESSED_TYPES,
 * which have no Atom, JSON Feed or OPML type, so these are stored as the generic XML or JSON
 * they are (compressed at the edge: a 50-story Atom feed ~380 KB → ~90 KB) and the
 * viewer-response function serves them with their own type again (SERVED_TYPE_BY_NAME).
 */
export const STORED_CONTENT_TYPE: Readonly<Partial<Record<keyof typeof CONTENT_TYPE, string>>> = {
  atom: 'application/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
  opml: 'text/xml; charset=utf-8',
};

/** The Content-Type a site file is stored with (STORED_CONTENT_TYPE, else CONTENT_TYPE). */
export function storedContentType(kind: keyof typeof CONTENT_TYPE): string {
  return STORED_CONTENT_TYPE[kind] ?? CONTENT_TYPE[kind];
}

export const INDEX_PATH = 'index.html';
export const TAGS_PAGE_PATH = 'tags/index.html';
export const OPML_PATH = 'feeds.opml';

/** The type each file stored as another (STORED_CONTENT_TYPE) is served with, by its name. */
export const SERVED_TYPE_BY_NAME: Readonly<Record<string, string>> = Object.fromEntries(
  (['atom', 'json', 'opml'] as const)
    .filter((kind) => STORED_CONTENT_TYPE[kind])
    .map((kind) => [kind === 'opml' ? OPML_PATH : FEED_FILE[kind], CONTENT_TYPE[kind]]),
);

export const NOT_FOUND_PATH = '404.html';
/** The sitemap index: one sitemap per day that has stories, and one of the site's own pages. */
export const SITEMAP_INDEX_PATH = 'sitemap.xml';
/** Google News' sitemap: the stories of the last two days. */
export const NEWS_SITEMAP_PATH = 'news-sitemap.xml';
export const ROBOTS_PATH = 'robots.txt';
/** The sitemap of the site's own pages (index, tags page). */
export const PAGES_SITEMAP_PATH = 'sitemaps/pages.xml';

/** The sitemap of the stories published on one day (`YYYY-MM-DD`, UTC). */
export function daySitemapPath(day: string): string {
  return `sitemaps/${day}.xml`;
}

/** Folder of a feed inside the site bucket: '' for the site-wide feed. */
export function feedDir(feed: FeedLocation): string {
  if (feed.kind === 'all') return '';
  return feed.kind === 'tag' ? `tags/${feed.slug}/` : `authors/${feed.slug}/`;
}

export function feedPath(feed: FeedLocation, format: FeedFormat): string {
  return `${feedDir(feed)}${FEED_FILE[format]}`;
}

/**
 * One archive page of a feed (RFC 5005): `<feed dir>archive/<name>/<format file>`, its name
 * `first` or `<YYYY-MM-DD>-<hash>` (see shared/publish/archive-pages.ts).
 */
export function archivePath(feed: FeedLocation, name: string, format: FeedFormat): string {
  return `${feedDir(feed)}archive/${name}/${FEED_FILE[format]}`;
}

/**
 * The HTML page listing a feed's stories: a tag's or author's newest (`tags/<slug>/index.html`;
 * the site's is the home page), or one archive page's (`<feed dir>archive/<name>/index.html`).
 */
export function listingPagePath(feed: FeedLocation, archivePage?: string): string {
  if (archivePage !== undefined) return `${feedDir(feed)}archive/${archivePage}/${INDEX_PATH}`;
  return `${feedDir(feed)}${INDEX_PATH}`;
}

/**
 * The site's folders, each served by its index.html, as paths without their trailing slash:
 * the tags page (`tags`), a tag's or an author's page (`tags/<slug>`, `authors/<slug>`) and an
 * archive page of any feed (`archive/<name>`, `tags/<slug>/archive/<name>`, …); never a
 * file (slugs and page names have no dot). The edge redirects these, and only these, to their
 * folder when asked without the slash.
 */
export const FOLDER_PATH =
  /^(?:tags|(?:tags|authors)\/[^/.]+|(?:(?:tags|authors)\/[^/.]+\/)?archive\/[^/.]+)$/;

/**
 * The first segment of every path the site writes: its folders and the files at its root. No
 * redirect rule may take one over (shared/contract/redirects.ts); a test keeps it whole.
 */
export const SITE_TOP_LEVEL_NAMES: readonly string[] = [
  'articles',
  'tags',
  'authors',
  'archive',
  'sitemaps',
  MEDIA_SITE_PREFIX.slice(0, -1),
  INDEX_PATH,
  OPML_PATH,
  NOT_FOUND_PATH,
  SITEMAP_INDEX_PATH,
  NEWS_SITEMAP_PATH,
  ROBOTS_PATH,
  ...Object.values(FEED_FILE),
];

/** Whether a site path is a feed: a feed file at the root or in a tag's or author's folder. */
export function isFeedPath(path: string): boolean {
  const match = /^(?:(?:tags|authors)\/[^/]+\/)?([^/]+)$/.exec(path);
  return match !== null && Object.values(FEED_FILE).includes(match[1] ?? '');
}

export function articlePath(id: string): string {
  return `articles/${id}.html`;
}

/** Absolute URL of a site path; `siteUrl` ends with '/'. Path segments are percent-encoded. */
export function siteUrlOf(siteUrl: string, path: string): string {
  const encoded = path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return new URL(encoded, siteUrl).toString();
}
