import type { FeedRef } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import { oneLine } from './xml-safe.ts';

/** "Site", "Site — tag Name", "Site — Author Name": what a reader lists the feed as. */
export function feedTitle(site: Pick<SiteConfig, 'title'>, feed: FeedRef): string {
  const title = oneLine(site.title) || 'feedpub';
  if (feed.kind === 'all') return title;
  const name = oneLine(feed.name) || oneLine(feed.slug);
  return feed.kind === 'tag' ? `${title} — tag ${name}` : `${title} — ${name}`;
}

export function feedDescription(
  site: Pick<SiteConfig, 'title' | 'description'>,
  feed: FeedRef,
): string {
  const description = oneLine(site.description) || oneLine(site.title) || 'feedpub';
  if (feed.kind === 'all') return description;
  const name = oneLine(feed.name) || oneLine(feed.slug);
  const what = feed.kind === 'tag' ? `Articles tagged ${name}` : `Articles by ${name}`;
  return `${what}. ${description}`;
}
