import type { FeedRef } from '../articles/article.ts';
import { MEDIA_FORMATS } from '../contract/media.ts';
import {
  archivePath,
  articlePath,
  type FeedFormat,
  feedPath,
  INDEX_PATH,
  listingPagePath,
  siteUrlOf,
  TAGS_PAGE_PATH,
} from '../contract/site-layout.ts';
import { xmlSafe } from './xml-safe.ts';

/**
 * Absolute http(s) URL of `raw` (resolved against `base` when relative), normalized;
 * undefined for anything else (javascript:, garbage, whitespace inside).
 */
export function httpUrl(raw: string | undefined, base?: string): string | undefined {
  const text = xmlSafe(raw ?? '').trim();
  if (!text || /\s/.test(text) || !URL.canParse(text, base)) return undefined;
  const url = new URL(text, base);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
}

/** The site icon's absolute URL: a path (`/icon.png`) is on the site, below its URL. */
export function siteIconUrl(site: { url: string; icon?: string }): string | undefined {
  if (!site.icon) return undefined;
  return httpUrl(site.icon.startsWith('/') ? `.${site.icon}` : site.icon, site.url);
}

export function feedUrl(siteUrl: string, feed: FeedRef, format: FeedFormat): string {
  return siteUrlOf(siteUrl, xmlSafe(feedPath(feed, format)));
}

/**
 * Where a tag or author leads readers: the page listing its stories (`…/tags/<slug>/`, its
 * `index.html`), or one archive page of a feed's (the site's included), by the page's name.
 */
export function listingPageUrl(siteUrl: string, feed: FeedRef, archivePage?: string): string {
  if (feed.kind === 'all' && archivePage === undefined) return siteUrl;
  const path = listingPagePath(feed, archivePage);
  return siteUrlOf(siteUrl, xmlSafe(path.slice(0, -INDEX_PATH.length)));
}

/** An archive page of a feed (RFC 5005), by its name. */
export function archiveUrl(
  siteUrl: string,
  feed: FeedRef,
  name: string,
  format: FeedFormat,
): string {
  return siteUrlOf(siteUrl, xmlSafe(archivePath(feed, name, format)));
}

/** The page every feed item links to, on this site. */
export function articlePageUrl(siteUrl: string, id: string): string {
  return siteUrlOf(siteUrl, xmlSafe(articlePath(id)));
}

/** Fragment id of a tag or author on the tags page. */
export function feedAnchor(feed: FeedRef): string {
  return feed.kind === 'all' ? 'site' : `${feed.kind}-${encodeURIComponent(xmlSafe(feed.slug))}`;
}

export function tagsPageUrl(siteUrl: string, feed?: FeedRef): string {
  // The folder, as the edge serves it (`/tags/`), like every listing page's address.
  const page = siteUrlOf(siteUrl, TAGS_PAGE_PATH.replace(/index\.html$/, ''));
  return feed ? `${page}#${feedAnchor(feed)}` : page;
}

const IMAGE_TYPES: Record<string, string> = {
  avif: 'image/avif',
  bmp: 'image/bmp',
  gif: 'image/gif',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  svg: 'image/svg+xml',
  webp: 'image/webp',
};

/**
 * MIME type from the URL's extension, when it is a known image type or a media upload's
 * (audio and video too: a lead may be a podcast's episode).
 */
export function leadType(url: string): string | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return ext ? (IMAGE_TYPES[ext] ?? MEDIA_FORMATS[ext]?.type) : undefined;
}

/** A language tag (the rule every setting and article field uses; fits xml:lang), or undefined. */
export { languageTag } from '../config/language-tag.ts';

/** An address Atom (`.+@.+`) and RSS (`email (name)`) both accept, or undefined. */
export function emailAddress(raw: string | undefined): string | undefined {
  const email = xmlSafe(raw ?? '').trim();
  return /^[^\s@<>()"]+@[^\s@<>()"]+$/.test(email) ? email : undefined;
}
