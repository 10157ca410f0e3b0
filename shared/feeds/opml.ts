import type { FeedRef } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import { type FeedListing, sortFeedListings } from './feed-listing.ts';
import { feedDescription, feedTitle } from './feed-titles.ts';
import { siteWords } from './site-words.ts';
import { feedUrl, listingPageUrl } from './urls.ts';
import { escapeMarkup as e, oneLine } from './xml-safe.ts';

/**
 * OPML 2.0 subscription list: one outline per feed, `xmlUrl` = its RSS (every reader
 * takes RSS; Atom and JSON are on the tags page), tag and author feeds grouped in
 * folders. The site-wide feed is always listed.
 */
export function renderOpml(site: SiteConfig, feeds: readonly FeedListing[]): string {
  const sorted = sortFeedListings(feeds).map((listing) => listing.feed);
  const words = siteWords(site);
  const body = [
    outline(site, { kind: 'all' }, '    '),
    folder(
      site,
      words.tags,
      sorted.filter((feed) => feed.kind === 'tag'),
    ),
    folder(
      site,
      words.authors,
      sorted.filter((feed) => feed.kind === 'author'),
    ),
  ].filter(Boolean);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    '  <head>',
    `    <title>${e(words.opmlTitle(oneLine(site.title)))}</title>`,
    '    <docs>http://opml.org/spec2.opml</docs>',
    '  </head>',
    '  <body>',
    ...body,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}

function folder(site: SiteConfig, name: string, feeds: readonly FeedRef[]): string {
  if (feeds.length === 0) return '';
  const children = feeds.map((feed) => outline(site, feed, '      '));
  return [`    <outline text="${name}" title="${name}">`, ...children, '    </outline>'].join('\n');
}

function outline(site: SiteConfig, feed: FeedRef, indent: string): string {
  const title = e(feedTitle(site, feed));
  const html = listingPageUrl(site.url, feed);
  return `${indent}<outline type="rss" text="${title}" title="${title}" description="${e(feedDescription(site, feed))}" xmlUrl="${e(feedUrl(site.url, feed, 'rss'))}" htmlUrl="${e(html)}"/>`;
}
