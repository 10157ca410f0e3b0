import type { Article, FeedRef } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import { FEED_FORMATS, type FeedFormat } from '../contract/site-layout.ts';
import { latest, toDate } from './dates.ts';
import { feedDescription, feedTitle } from './feed-titles.ts';
import { itemId } from './item-id.ts';
import {
  buildItemView,
  correctionLog,
  type ItemView,
  imageFigure,
  type PersonView,
  summaryContent,
} from './item-view.ts';
import type { RenderedItems } from './rendered-items.ts';
import { siteWords } from './site-words.ts';
import {
  archiveUrl,
  articlePageUrl,
  feedUrl,
  httpUrl,
  languageTag,
  listingPageUrl,
  siteIconUrl,
  tagsPageUrl,
} from './urls.ts';
import { oneLine } from './xml-safe.ts';

export interface FeedInput {
  feed: FeedRef;
  site: SiteConfig;
  /** Newest first, already limited to the item limit by the caller. */
  articles: readonly Article[];
  /**
   * Withdrawn stories the feed still announces (Article.withdrawn set), newest withdrawal
   * first: Atom carries an RFC 6721 `at:deleted-entry` for each.
   */
  withdrawn?: readonly Article[];
  /**
   * Where this document sits in the feed's RFC 5005 chain, by archive page name: `page` (this
   * document is that archive page; absent: the subscription document), `older` (the next older
   * page) and `newer` (the next newer one; absent on the newest, whose next is the
   * subscription document).
   */
  archive?: { page?: string; older?: string; newer?: string };
}

/** A document's RFC 5005 links, each in the three formats. */
export interface ArchiveView {
  /** This document is an archive page (`fh:archive`); its `current` is the subscription one. */
  current?: Record<FeedFormat, string>;
  /** `prev-archive`: the next older archive page. */
  older?: Record<FeedFormat, string>;
  /** `next-archive`: the next newer archive page. */
  newer?: Record<FeedFormat, string>;
}

/** One RFC 6721 deleted entry: the withdrawn item's id, when, and the editor's note. */
export interface DeletedEntryView {
  ref: string;
  when: Date;
  comment?: string;
  /**
   * The story's page (it answers 410 Gone with the notice); none when another story holds its
   * id now (Withdrawal.replaced).
   */
  pageUrl?: string;
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
  /**
   * The feed's last change: its newest item's `updated`, or a later withdrawal it announces
   * (the feed changed then too); EPOCH for a feed with neither. Never the clock.
   */
  updated: Date;
  generator: string;
  /** Feed-level author, so Atom entries without authors stay valid. */
  publisher: PersonView;
  /** Category scheme / domain: the tags page. */
  tagScheme: string;
  /** The site's icon, absolute (SiteConfig.icon). */
  icon?: string;
  items: ItemView[];
  deletedEntries: DeletedEntryView[];
  archive: ArchiveView;
  /** The subscription document's Atom URL: the feed's id in all its documents. */
  feedId: string;
}

export const GENERATOR = 'feedpub';

/** `written`: where the views of articles earlier renders showed are kept (RenderedItems). */
export function buildFeedView(
  { feed, site, articles, withdrawn = [], archive = {} }: FeedInput,
  written?: RenderedItems,
): FeedView {
  const settings = `${site.url}\n${site.feedContent ?? ''}\n${site.language ?? ''}`;
  const items = uniqueById(
    articles.map((article) =>
      written
        ? written.view(article, settings, () => feedItem(article, site))
        : feedItem(article, site),
    ),
  );
  const listed = new Set(items.map((item) => item.id));
  // An id the feed lists is not also announced as deleted (a story withdrawn and then
  // published again under the same guid is the listed one).
  const deletedEntries = withdrawn
    .flatMap((article) => deletedEntryView(article, site))
    .filter((entry) => !listed.has(entry.ref) && listed.add(entry.ref));
  const homeUrl = httpUrl(site.url) ?? site.url;
  const icon = siteIconUrl(site);
  // A tag's or an author's feed whose stories all say they are in one language is in that one
  // (a Japanese desk's tag on an Arabic site); the site's feed, and any other, in the site's.
  const own = feed.kind === 'all' ? undefined : sharedLanguage(items);
  const language = own ?? languageTag(site.language);
  const inFormats = (url: (format: FeedFormat) => string) =>
    Object.fromEntries(FEED_FORMATS.map((format) => [format, url(format)])) as Record<
      FeedFormat,
      string
    >;
  const subscription = inFormats((format) => feedUrl(homeUrl, feed, format));
  const page = (name: string) => inFormats((format) => archiveUrl(homeUrl, feed, name, format));
  return {
    title: feedTitle(site, feed),
    description: feedDescription(site, feed),
    // A tag's or an author's feed is at home on its own page (where its links lead), not the
    // site's front page.
    homeUrl: feed.kind === 'all' ? homeUrl : listingPageUrl(homeUrl, feed),
    selfUrl: archive.page ? page(archive.page) : subscription,
    feedId: subscription.atom,
    archive: {
      ...(archive.page ? { current: subscription } : {}),
      ...(archive.older ? { older: page(archive.older) } : {}),
      ...(archive.newer ? { newer: page(archive.newer) } : {}),
    },
    // Only subscription documents are announced to the hubs: an archive page names none, so
    // no reader subscribes to a topic that is never pinged (WebSub §4, §5).
    hubs: archive.page ? [] : (site.hubs ?? []),
    ...(language ? { language } : {}),
    updated: latest([
      ...items.map((item) => item.updated),
      ...deletedEntries.map((entry) => entry.when),
    ]),
    generator: GENERATOR,
    publisher: { name: oneLine(site.title) || GENERATOR, url: homeUrl },
    tagScheme: tagsPageUrl(homeUrl),
    ...(icon ? { icon } : {}),
    items,
    deletedEntries,
  };
}

function deletedEntryView(article: Article, site: SiteConfig): DeletedEntryView[] {
  const when = toDate(article.withdrawn?.at);
  if (!when) return [];
  const comment = oneLine(article.withdrawn?.note ?? '');
  return [
    {
      ref: itemId(article.guid, article.id),
      when,
      ...(comment ? { comment } : {}),
      ...(article.withdrawn?.replaced ? {} : { pageUrl: articlePageUrl(site.url, article.id) }),
    },
  ];
}

/** The language every item says it is in, when they all say the same one. */
function sharedLanguage(items: readonly ItemView[]): string | undefined {
  const first = items[0]?.language;
  return first && items.every((item) => item.language === first) ? first : undefined;
}

/**
 * An article as a feed item: its whole story, or (feedContent `summary`, the article's own
 * setting first, then the site's) its summary, a link to the page and its correction log.
 * Of the site, only its URL, `feedContent` and language (its words) go in (buildFeedView keeps
 * views by them).
 */
function feedItem(article: Article, site: SiteConfig): ItemView {
  const item = buildItemView(article, site);
  // The lead image leads the content too, for readers that show no enclosure or media:content.
  const words = siteWords(site);
  const lead = item.image ? imageFigure(item.image, words, item.title) : '';
  if ((article.feedContent ?? site.feedContent) !== 'summary')
    return lead ? { ...item, contentHtml: `${lead}\n${item.contentHtml}` } : item;
  return {
    ...item,
    contentHtml: lead + summaryContent(item, words) + correctionLog(article.corrections, words),
  };
}

// Readers key items by id: a repeated id would be one item shown twice or lost.
function uniqueById(items: ItemView[]): ItemView[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.id) && seen.add(item.id));
}
