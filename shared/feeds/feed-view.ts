import type { Article, FeedRef } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import { FEED_FORMATS, type FeedFormat } from '../contract/site-layout.ts';
import { latest } from './dates.ts';
import { feedDescription, feedTitle } from './feed-titles.ts';
import { buildItemView, type ItemView, type PersonView } from './item-view.ts';
import { feedUrl, httpUrl, languageTag, tagsPageUrl } from './urls.ts';
import { oneLine } from './xml-safe.ts';

export interface FeedInput {
  feed: FeedRef;
  site: SiteConfig;
  /** Newest first, already limited to the item limit by the caller. */
  articles: readonly Article[];
}

/** A feed as every format renders it; built once, then each format only serializes. */
export interface FeedView {
  title: string;
  description: string;
  homeUrl: string;
  selfUrl: Record<FeedFormat, string>;
  /** WebSub hubs to name beside the self link (W3C WebSub §4). */
  hubs: readonly string[];
  language?: string;
  /** Newest item `updated`; EPOCH for an empty feed. Never the clock. */
  updated: Date;
  generator: string;
  /** Feed-level author, so Atom entries without authors stay valid. */
  publisher: PersonView;
  /** Category scheme / domain: the tags page. */
  tagScheme: string;
  items: ItemView[];
}

export const GENERATOR = 'feedpub';

export function buildFeedView({ feed, site, articles }: FeedInput): FeedView {
  const items = uniqueById(articles.map((article) => buildItemView(article, site)));
  const homeUrl = httpUrl(site.url) ?? site.url;
  const language = languageTag(site.language);
  return {
    title: feedTitle(site, feed),
    description: feedDescription(site, feed),
    homeUrl,
    selfUrl: Object.fromEntries(
      FEED_FORMATS.map((format) => [format, feedUrl(homeUrl, feed, format)]),
    ) as Record<FeedFormat, string>,
    hubs: site.hubs ?? [],
    ...(language ? { language } : {}),
    updated: latest(items.map((item) => item.updated)),
    generator: GENERATOR,
    publisher: { name: oneLine(site.title) || GENERATOR, url: homeUrl },
    tagScheme: tagsPageUrl(homeUrl),
    items,
  };
}

// Readers key items by id: a repeated id would be one item shown twice or lost.
function uniqueById(items: ItemView[]): ItemView[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.id) && seen.add(item.id));
}
