import type { Article, FeedRef } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import {
  daySitemapPath,
  NEWS_SITEMAP_PATH,
  PAGES_SITEMAP_PATH,
  SITEMAP_INDEX_PATH,
  siteUrlOf,
} from '../contract/site-layout.ts';
import { toDate } from './dates.ts';
import { siteWords } from './site-words.ts';
import { articlePageUrl, httpUrl, languageTag, listingPageUrl, tagsPageUrl } from './urls.ts';
import { escapeMarkup as e, oneLine } from './xml-safe.ts';

/**
 * Discovery files for search engines (sitemaps.org 0.9, Google News, robots.txt): pure
 * renderers, same input, same bytes. Every URL is one of ours, absolute and escaped.
 */

const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const NEWS_NS = 'http://www.google.com/schemas/sitemap-news/0.9';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** sitemaps.org: at most 50,000 URLs in one sitemap, and 50,000 sitemaps in an index. */
export const MAX_SITEMAP_URLS = 50_000;
/** Google News: the stories of the last two days, at most 1,000. */
export const NEWS_SITEMAP_DAYS = 2;
export const MAX_NEWS_URLS = 1000;

/** A day sitemap's place in the index: its day, and the newest `updated` of its stories. */
export interface DaySitemapRef {
  day: string;
  lastmod: string;
}

/** `YYYY-MM-DD` (UTC) of an ISO date: the day sitemap an article is listed in. */
export function sitemapDayOf(iso: string): string {
  return iso.slice(0, 10);
}

/** W3C datetime as sitemaps take it, or nothing when the date is not one. */
function w3c(iso: string | undefined): string | undefined {
  return toDate(iso)?.toISOString();
}

function urlset(urls: string[], extraNamespace = ''): string {
  return `${XML_DECLARATION}<urlset xmlns="${SITEMAP_NS}"${extraNamespace}>\n${urls.join('')}</urlset>\n`;
}

function urlEntry(loc: string, lastmod: string | undefined, extra = ''): string {
  const modified = lastmod ? `\n    <lastmod>${lastmod}</lastmod>` : '';
  return `  <url>\n    <loc>${e(loc)}</loc>${modified}${extra}\n  </url>\n`;
}

/** The stories of one day, oldest first, each page with its last change. */
export function renderDaySitemap(
  site: SiteConfig,
  articles: readonly Pick<Article, 'id' | 'updated'>[],
): string {
  const urls = articles
    .slice(0, MAX_SITEMAP_URLS)
    .map((article) => urlEntry(articlePageUrl(site.url, article.id), w3c(article.updated)));
  return urlset(urls);
}

/** The site's own pages: the front page and the tags page. */
export function renderPagesSitemap(site: SiteConfig, labels: readonly FeedRef[] = []): string {
  const own = [site.url, tagsPageUrl(site.url)];
  // Each tag's and author's page of its stories, up to the protocol's 50,000 URLs.
  const pages = labels
    .filter((feed) => feed.kind !== 'all')
    .map((feed) => listingPageUrl(site.url, feed))
    .sort()
    .slice(0, MAX_SITEMAP_URLS - own.length);
  return urlset([...own, ...pages].map((url) => urlEntry(url, undefined)));
}

/** The index of every sitemap: the site's pages, then each day that has stories, newest first. */
export function renderSitemapIndex(site: SiteConfig, days: readonly DaySitemapRef[]): string {
  const entry = (path: string, lastmod: string | undefined) => {
    const modified = lastmod ? `\n    <lastmod>${lastmod}</lastmod>` : '';
    return `  <sitemap>\n    <loc>${e(siteUrlOf(site.url, path))}</loc>${modified}\n  </sitemap>\n`;
  };
  const newest = [...days].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  const entries = [
    entry(PAGES_SITEMAP_PATH, undefined),
    ...newest
      .slice(0, MAX_SITEMAP_URLS - 1)
      .map((d) => entry(daySitemapPath(d.day), w3c(d.lastmod))),
  ];
  return `${XML_DECLARATION}<sitemapindex xmlns="${SITEMAP_NS}">\n${entries.join('')}</sitemapindex>\n`;
}

/**
 * Google News' language code: ISO 639 (two or three letters), except Chinese, which it takes
 * as `zh-cn` (simplified) or `zh-tw` (traditional). A tag with no such code (`x-private`,
 * `i-klingon`) gives `fallback`'s (the site's language), else `en`.
 */
export function newsLanguage(tag: string | undefined, fallback?: string): string {
  const clean = languageTag(tag)?.toLowerCase() ?? '';
  const [primary = '', ...rest] = clean.split('-');
  if (!/^[a-z]{2,3}$/.test(primary)) return fallback === undefined ? 'en' : newsLanguage(fallback);
  if (primary !== 'zh') return primary;
  return rest.some((part) => ['hant', 'tw', 'hk', 'mo'].includes(part)) ? 'zh-tw' : 'zh-cn';
}

/**
 * Google News' sitemap: the stories published in the last two days, newest first, at most
 * 1,000, each with its publication, date and title. Updated in place by every publish. With no
 * story that recent, the site's newest story (`newest`) without its news metadata, as Google's
 * documentation allows for older articles: the file a publisher submitted in Search Console
 * never answers 404 on a quiet weekend, and stays valid (a `urlset` needs one `url`).
 */
export function renderNewsSitemap(
  site: SiteConfig,
  articles: readonly Pick<Article, 'id' | 'title' | 'published' | 'language'>[],
  newest?: Pick<Article, 'id'>,
): string {
  if (articles.length === 0 && newest)
    return urlset(
      [urlEntry(articlePageUrl(site.url, newest.id), undefined)],
      ` xmlns:news="${NEWS_NS}"`,
    );
  const name = e(oneLine(site.title) || 'feedpub');
  const { untitled } = siteWords(site);
  const urls = articles.slice(0, MAX_NEWS_URLS).flatMap((article) => {
    const published = w3c(article.published);
    if (!published) return [];
    const news = [
      '\n    <news:news>',
      '\n      <news:publication>',
      `\n        <news:name>${name}</news:name>`,
      `\n        <news:language>${newsLanguage(article.language, site.language)}</news:language>`,
      '\n      </news:publication>',
      `\n      <news:publication_date>${published}</news:publication_date>`,
      `\n      <news:title>${e(oneLine(article.title) || untitled)}</news:title>`,
      '\n    </news:news>',
    ].join('');
    return [urlEntry(articlePageUrl(site.url, article.id), undefined, news)];
  });
  return urlset(urls, ` xmlns:news="${NEWS_NS}"`);
}

/**
 * robots.txt: everything may be crawled; where the sitemaps are (the news sitemap once the site
 * has a story: it exists from then on).
 */
export function renderRobots(site: SiteConfig, hasNews: boolean): string {
  const base = httpUrl(site.url) ?? site.url;
  return [
    'User-agent: *',
    'Allow: /',
    '',
    `Sitemap: ${siteUrlOf(base, SITEMAP_INDEX_PATH)}`,
    ...(hasNews ? [`Sitemap: ${siteUrlOf(base, NEWS_SITEMAP_PATH)}`] : []),
    '',
  ].join('\n');
}
