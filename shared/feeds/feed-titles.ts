import type { FeedRef } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import { siteWords } from './site-words.ts';
import { oneLine } from './xml-safe.ts';

/**
 * "Site", "Site — tag Name", "Site — Author Name": what a reader lists the feed as, in the
 * site's words.
 */
export function feedTitle(site: Pick<SiteConfig, 'title' | 'language'>, feed: FeedRef): string {
  const title = oneLine(site.title) || 'feedpub';
  if (feed.kind === 'all') return title;
  const name = oneLine(feed.name) || oneLine(feed.slug);
  return feed.kind === 'tag' ? siteWords(site).tagFeed(title, name) : `${title} — ${name}`;
}

export function feedDescription(
  site: Pick<SiteConfig, 'title' | 'description' | 'language'>,
  feed: FeedRef,
): string {
  const description = oneLine(site.description) || oneLine(site.title) || 'feedpub';
  if (feed.kind === 'all') return description;
  const name = oneLine(feed.name) || oneLine(feed.slug);
  const words = siteWords(site);
  const what = feed.kind === 'tag' ? words.articlesTagged(name) : words.articlesBy(name);
  return words.sentences(what, description);
}
