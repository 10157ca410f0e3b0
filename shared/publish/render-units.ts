import {
  type Article,
  type FeedRef,
  feedKey,
  feedsOf,
  isWithdrawnPublic,
  noticesOf,
  redirectOf,
  shownOf,
} from '../articles/article.ts';
import { entryListKey, type StoredArticle } from '../articles/stored.ts';
import { DEFAULT_WITHDRAWN_DAYS, type SiteConfig } from '../config/site.ts';
import { sha256 } from '../contract/content-hash.ts';
import { CACHE_CONTROL } from '../contract/edge.ts';
import {
  archivePath,
  articlePath,
  CONTENT_TYPE,
  daySitemapPath,
  FEED_FORMATS,
  type FeedFormat,
  feedPath,
  INDEX_PATH,
  listingPagePath,
  NEWS_SITEMAP_PATH,
  NOT_FOUND_PATH,
  OPML_PATH,
  PAGES_SITEMAP_PATH,
  ROBOTS_PATH,
  SITEMAP_INDEX_PATH,
  storedContentType,
  TAGS_PAGE_PATH,
} from '../contract/site-layout.ts';
import { renderMovedPage, renderWithdrawnPage } from '../feeds/article-page.ts';
import type { FeedListing } from '../feeds/feed-listing.ts';
import type { FeedInput } from '../feeds/feed-view.ts';
import { renderIndex } from '../feeds/index-page.ts';
import { renderListingPage, renderMovedListingPage } from '../feeds/listing-page.ts';
import { renderNotFound } from '../feeds/not-found-page.ts';
import { renderOpml } from '../feeds/opml.ts';
import {
  MAX_NEWS_URLS,
  NEWS_SITEMAP_DAYS,
  renderDaySitemap,
  renderNewsSitemap,
  renderPagesSitemap,
  renderRobots,
  renderSitemapIndex,
} from '../feeds/sitemaps.ts';
import { renderTagsPage } from '../feeds/tags-page.ts';
import { archiveUrl, articlePageUrl, feedUrl, listingPageUrl } from '../feeds/urls.ts';
import type {
  DatedEntry,
  EntryRef,
  FeedHead,
  FeedMeta,
  FeedReader,
  HeadedEntry,
  Headline,
  KeyedEntry,
} from '../ports/feed-reader.ts';
import type { ArchiveView, RenderLedger } from '../ports/render-ledger.ts';
import type { PutHint, SiteFile } from '../ports/site-bucket.ts';
import {
  archivePageName,
  archivePagesAffected,
  Frontier,
  newestArchivePage,
  type PagesAffected,
  pageNowHolding,
  readArchivePage,
} from './archive-pages.ts';
import type { ArticleCache } from './article-cache.ts';
import type { Renderer } from './renderer.ts';

/** What a unit's files should be now: objects to write, paths to delete. */
export interface UnitFiles {
  put: SiteFile[];
  remove: string[];
  /** Passed to every `put` (e.g. an article's first revision: its page is new). */
  hint?: PutHint;
}

/**
 * A set of site files rendered together from one read of the table: a page, a feed (a tag's or
 * author's with its meta), or the listings (index, tags page, OPML, 404). `render` reads the
 * table as it is now and returns the files with the stamp they are written under.
 *
 * - `ledger` units (feeds, listings) are rendered by any publisher whose batch touches them,
 *   several at once: they go through the RenderLedger, and `ticket` (the claims the render
 *   covers) is their stamp, also on a feed's meta.
 * - `revision` units (an article's page) are rendered only by the stream lane of that article,
 *   one batch at a time, in order: their stamp is the article's revision, which only grows.
 */
export interface RenderUnit {
  /** Its key in the ledger. */
  name: string;
  causes: string[];
  order: 'ledger' | 'revision';
  render(ticket: number): Promise<Rendered>;
}

/** A unit's files, the stamp they are written under, and what a feed's render saw of its archive. */
export interface Rendered {
  files: UnitFiles;
  stamp: number;
  /** Recorded with the render's reads (RenderLedger.release). */
  archive?: ArchiveView;
}

interface UnitDeps {
  feeds: FeedReader;
  ledger: RenderLedger;
  config: SiteConfig;
  renderer: Renderer;
  /**
   * Articles already read, by `id@rev`: in this run, and with a container's ArticleCache in its
   * earlier runs too. Keyed by revision, it can never serve an article older than the entry that
   * names it; the site feed and every tag feed of a batch mostly show the same articles, so each
   * is read once.
   */
  articles: ArticleCache;
  /** The clock (epoch ms) that decides which withdrawals a feed still announces. */
  now: () => number;
}

/** Tag and author feeds that hold articles; the site feed is always listed. */
const listingsOf = (metas: readonly FeedMeta[]): FeedListing[] => [
  { feed: { kind: 'all' } },
  ...metas.filter((m) => m.count > 0).map(({ feed, count }) => ({ feed, count })),
];

function file(
  path: string,
  body: SiteFile['body'],
  contentType: string,
  cacheControl: string,
): SiteFile {
  return { path, body, contentType, cacheControl };
}

/** The cache key of an article at a revision (see UnitDeps.articles). */
const cacheKey = (e: EntryRef) => `${e.id}@${e.rev}`;

async function articlesOf(
  { feeds, articles: cache }: UnitDeps,
  entries: readonly EntryRef[],
  keep: (article: Article) => boolean = (article) => article.status === 'live',
) {
  // Held here, not looked up again: the cache may let an entry go before this unit awaits it.
  const held = entries.map((e) => cache.get(cacheKey(e)));
  const missing = entries.filter((_, i) => held[i] === undefined);
  if (missing.length > 0) {
    // Cached as promises, so units rendering at the same time share one read.
    // Each at its entry's revision or a later one, as a strongly consistent read would give:
    // a replica mostly has it, at half the read units (FeedReader.getArticles).
    const read = feeds.getArticles(
      missing.map((e) => e.id),
      missing.map((e) => e.rev),
    );
    // A failed read is not kept: a unit rendered after it reads again.
    read.catch(() => {
      for (const e of missing) cache.delete(cacheKey(e));
    });
    entries.forEach((e, i) => {
      if (held[i] !== undefined) return;
      const one = read.then((stored) => stored.find((s) => s.article.id === e.id)?.article);
      cache.set(cacheKey(e), one);
      held[i] = one;
    });
  }
  const articles = await Promise.all(held);
  return articles.filter((a): a is Article => a !== undefined && keep(a));
}

/**
 * The feed's stories withdrawn within the site's window (withdrawnDays), newest first: its
 * Atom document tells readers to delete them (RFC 6721).
 */
async function withdrawnOf(deps: UnitDeps, feed: FeedRef): Promise<Article[]> {
  const days = deps.config.withdrawnDays ?? DEFAULT_WITHDRAWN_DAYS;
  if (days === 0) return [];
  const since = new Date(deps.now() - days * DAY_MS).toISOString();
  const entries = await deps.feeds.withdrawnEntries(
    entryListKey(feed, 'gone'),
    since,
    deps.config.itemLimit,
  );
  // Each article once; each of its notices (its own, its id's former stories') this feed was
  // one of, within the window.
  const key = feedKey(feed);
  const seen = new Set<string>();
  const articles = await articlesOf(deps, entries, (a) => noticesOf(a).length > 0);
  return articles
    .filter((a) => !seen.has(a.id) && seen.add(a.id))
    .flatMap(noticesOf)
    .filter(
      (notice) =>
        (notice.withdrawn?.at ?? '') >= since &&
        (key === 'all' || feedsOf(notice).some((f) => feedKey(f) === key)),
    )
    .sort((a, b) => ((a.withdrawn?.at ?? '') < (b.withdrawn?.at ?? '') ? 1 : -1));
}

const DAY_MS = 86_400_000;

/** Ledger keys stay short whatever the id: a long one is hashed. */
function unitName(kind: string, key: string): string {
  const name = `${kind} ${key}`;
  return Buffer.byteLength(name) <= 512 ? name : `${kind} #${sha256(key)}`;
}

/**
 * A batch's archive search for one feed (archivePagesAffected), made by the feed's own render
 * from its own read, after its lease: a batch whose render covers its changes needs no walk of
 * its own. `found` gets what the search found before the feed's files are returned to be
 * written (it writes the page the feed is about to link first).
 */
export interface ArchiveSearch {
  changed: readonly string[];
  removed: boolean;
  found(pages: PagesAffected): Promise<void>;
}

/**
 * A subscription document's `prev-archive`: its newest archive page, if it has one, found by
 * walking on from the render's own read of the feed's newest entries (so within one render, and
 * mostly without another Query: the page's Queries read each partition well past it); with a
 * batch's archive search, by that search, on the same walk.
 */
async function archiveOf(
  head: FeedHead,
  key: string,
  { feeds, config }: Pick<UnitDeps, 'feeds' | 'config'>,
  search?: ArchiveSearch,
): Promise<{ links: FeedInput['archive']; view?: ArchiveView; entries: KeyedEntry[] }> {
  const linksTo = (newest: string | undefined) =>
    newest === undefined ? {} : { older: archivePageName(newest) };
  // Either walk goes past the frontier, found on the way: the subscription shows the entries
  // above it (every one walked, when the feed ends before one).
  const walked: KeyedEntry[] = [];
  const walk = recorded(head.walk(), walked);
  const frontier = new Frontier(config.itemLimit);
  const entries = () => {
    const shown = frontier.key === undefined ? walked.length : frontier.shows;
    return shown <= head.entries.length ? head.entries : walked.slice(0, shown);
  };
  if (!search) {
    const links = linksTo(await newestArchivePage(walk, config.itemLimit, frontier));
    return { links, entries: entries() };
  }
  const { changed, removed } = search;
  const limit = config.itemLimit;
  const pages = await archivePagesAffected(feeds, key, limit, changed, removed, walk, frontier);
  await search.found(pages);
  return {
    links: linksTo(pages.linkTo),
    ...(pages.view ? { view: pages.view } : {}),
    entries: entries(),
  };
}

/**
 * The articles of a feed's subscription document, with its archive link (and a batch's
 * archive search, archiveOf): the newest `itemLimit` are read while the archive is searched,
 * any more the subscription shows after.
 */
async function subscriptionArticles(
  deps: UnitDeps,
  head: FeedHead,
  key: string,
  search?: ArchiveSearch,
): Promise<[Article[], FeedInput['archive'], ArchiveView | undefined]> {
  const newest = articlesOf(deps, head.entries);
  newest.catch(() => {});
  const { links, view, entries } = await archiveOf(head, key, deps, search);
  const more = entries.slice(head.entries.length);
  const articles = [...(await newest), ...(more.length > 0 ? await articlesOf(deps, more) : [])];
  return [articles, links, view];
}

/** `walk` as it goes, each entry it yields also kept in `into`. */
async function* recorded<T>(walk: AsyncIterable<T>, into: T[]): AsyncIterable<T> {
  for await (const item of walk) {
    into.push(item);
    yield item;
  }
}

async function feedFiles(
  feed: FeedRef,
  { config, renderer }: Pick<UnitDeps, 'config' | 'renderer'>,
  articles: Article[],
  withdrawn: Article[],
  archive: FeedInput['archive'] = {},
): Promise<SiteFile[]> {
  const rendered = await renderer.feed({
    feed,
    site: config,
    articles,
    ...(withdrawn.length > 0 ? { withdrawn } : {}),
    archive,
  });
  const page = archive?.page;
  const path = (format: FeedFormat) =>
    page ? archivePath(feed, page, format) : feedPath(feed, format);
  // The newest archive page gains its `next-archive` link when the page above it is archived.
  const cache = page && archive?.newer ? CACHE_CONTROL.archive : CACHE_CONTROL.feed;
  return FEED_FORMATS.map((format) =>
    file(path(format), rendered[format], storedContentType(format), cache),
  );
}

/**
 * One archive page of a feed (RFC 5005), by the sort key of its first entry (FIRST_PAGE: the
 * oldest page), in three formats: its entries, `current`, `prev-archive` and `next-archive`,
 * read from the table as it is now. A page that no longer exists (its first story withdrawn
 * or back in the subscription document) loses its files.
 */
export function archivePageUnit(
  feed: FeedRef,
  start: string,
  causes: string[],
  deps: UnitDeps,
  /**
   * Found deep in the archive (PagesAffected.deep): read from its own start first, or from the
   * older page's start as the search saw it (PagesAffected.older).
   */
  { deep = false, older }: { deep?: boolean; older?: string } = {},
): RenderUnit {
  const key = feedKey(feed);
  const name = archivePageName(start);
  return {
    name: unitName('archive', `${key} ${name}`),
    causes,
    order: 'ledger',
    render: async (ticket) => {
      const [page, meta] = await Promise.all([
        readArchivePage(deps.feeds, key, start, deps.config.itemLimit, {
          deep,
          ...(older !== undefined ? { older } : {}),
        }),
        feed.kind === 'all' ? undefined : deps.feeds.getFeedMeta(key),
      ]);
      if (!page) return { stamp: ticket, files: await pageGone(feed, start, deps) };
      const articles = await articlesOf(deps, [...page.entries].reverse());
      const archive = {
        page: name,
        ...(page.older !== undefined ? { older: archivePageName(page.older) } : {}),
        ...(page.newer !== undefined ? { newer: archivePageName(page.newer) } : {}),
      };
      const named = meta?.feed ?? feed;
      const feedDocs = await feedFiles(named, deps, articles, [], archive);
      const html = renderListingPage(deps.config, named, articles, archive);
      const cache = archive.newer === undefined ? CACHE_CONTROL.listing : CACHE_CONTROL.archive;
      const listing = file(listingPagePath(feed, name), html, CONTENT_TYPE.html, cache);
      return { stamp: ticket, files: { put: [...feedDocs, listing], remove: [] } };
    },
  };
}

/**
 * The files of an archive page that no longer exists: each answers 301 to where its stories
 * are now (the older page that took them, or the feed's own documents), so a reader or a link
 * holding its URL never meets a 404; they go only with the feed's last story.
 */
async function pageGone(
  feed: FeedRef,
  start: string,
  { feeds, config }: Pick<UnitDeps, 'feeds' | 'config'>,
): Promise<{ put: SiteFile[]; remove: string[] }> {
  const name = archivePageName(start);
  const now = await pageNowHolding(feeds, feedKey(feed), start, config.itemLimit);
  // The page is back (a story starting it came back between the two reads): its own render,
  // which the story's stream record brings, writes it; never a redirect to itself.
  if (now === start) return { put: [], remove: [] };
  if (now === undefined) {
    const remove = [
      ...FEED_FORMATS.map((f) => archivePath(feed, name, f)),
      listingPagePath(feed, name),
    ];
    return { put: [], remove };
  }
  const to = now === 'subscription' ? undefined : archivePageName(now);
  const moved = (path: string, location: string, body: string, type: string) => ({
    ...file(path, body, type, CACHE_CONTROL.listing),
    status: 301 as const,
    location,
    // Only where the page was written: most pages that never were are in the subscription.
    replaceOnly: true,
  });
  const listing = listingPageUrl(config.url, feed, to);
  const put = [
    ...FEED_FORMATS.map((format) => {
      const location =
        to === undefined
          ? feedUrl(config.url, feed, format)
          : archiveUrl(config.url, feed, to, format);
      return moved(archivePath(feed, name, format), location, `${location}\n`, CONTENT_TYPE.text);
    }),
    moved(
      listingPagePath(feed, name),
      listing,
      renderMovedListingPage(config, feed, listing),
      CONTENT_TYPE.html,
    ),
  ];
  return { put, remove: [] };
}

/**
 * A tag or author feed in three formats, and its meta (display name, count), which only this
 * unit writes. A feed whose last article is gone loses its files and its meta.
 */
export function labelFeedUnit(
  feed: FeedRef,
  causes: string[],
  deps: UnitDeps,
  search?: ArchiveSearch,
): RenderUnit {
  const { feeds, ledger, config } = deps;
  const key = feedKey(feed);
  return {
    name: unitName('feed', key),
    causes,
    order: 'ledger',
    render: async (ticket) => {
      const [{ entries, total, archive, view }, meta, withdrawn] = await Promise.all([
        feeds.feedHead(key, config.itemLimit).then(async (head) => {
          const [total, { links, view, entries }] = await Promise.all([
            head.total(),
            archiveOf(head, key, deps, search),
          ]);
          return { entries, total, archive: links, view };
        }),
        feeds.getFeedMeta(key),
        withdrawnOf(deps, feed),
      ]);
      // A feed whose last story was withdrawn stays (unlisted, its meta `announcing`) while it
      // tells readers so; the site's periodic render drops it when that is over.
      const announcing = entries.length === 0 && withdrawn.length > 0;
      const metaStale = announcing
        ? !(meta?.announcing && meta.count === 0)
        : entries.length === 0 && meta !== undefined;
      if (metaStale)
        await ledger.saveFeedMeta(
          { feed: meta?.feed ?? feed, count: 0, ...(announcing ? { announcing } : {}) },
          ticket,
        );
      const found = view ? { archive: view } : {};
      if (entries.length === 0 && withdrawn.length === 0) {
        const remove = [...FEED_FORMATS.map((f) => feedPath(feed, f)), listingPagePath(feed)];
        return { stamp: ticket, files: { put: [], remove }, ...found };
      }
      // The first spelling seen stays the feed's name, so its title does not flip-flop.
      const named = meta?.feed ?? feed;
      if (entries.length > 0 && meta?.count !== total)
        await ledger.saveFeedMeta({ feed: named, count: total }, ticket);
      const articles = await articlesOf(deps, entries);
      const put = await feedFiles(named, deps, articles, withdrawn, archive);
      // The page of its stories, where its tag and author links lead, and its feeds' home: kept
      // while it only announces withdrawals too ("No stories"), so a reader following it from
      // the feed finds no 404.
      const page = listingPagePath(feed);
      const html = renderListingPage(config, named, articles, archive ?? {});
      put.push(file(page, html, CONTENT_TYPE.html, CACHE_CONTROL.listing));
      return { stamp: ticket, files: { put, remove: [] }, ...found };
    },
  };
}

/** The site feed in three formats. */
export function siteFeedUnit(causes: string[], deps: UnitDeps, search?: ArchiveSearch): RenderUnit {
  const { feeds, config } = deps;
  const site: FeedRef = { kind: 'all' };
  return {
    name: unitName('feed', feedKey(site)),
    causes,
    order: 'ledger',
    render: async (ticket) => {
      const [head, withdrawn] = await Promise.all([
        feeds.feedHead(feedKey(site), config.itemLimit),
        withdrawnOf(deps, site),
      ]);
      const [articles, links, view] = await subscriptionArticles(deps, head, feedKey(site), search);
      const put = await feedFiles(site, deps, articles, withdrawn, links);
      return { stamp: ticket, files: { put, remove: [] }, ...(view ? { archive: view } : {}) };
    },
  };
}

/**
 * The sitemap of the stories published on one day (UTC), oldest first, each with its last
 * change, and its item in the sitemap index (count, newest change), which only this unit
 * writes. A day whose last story is gone loses both. The item's date never goes back
 * (RenderLedger.saveSitemapDay), also when the newest-updated story leaves the day.
 */
export function daySitemapUnit(day: string, causes: string[], deps: UnitDeps): RenderUnit {
  const { feeds, ledger, config } = deps;
  const path = daySitemapPath(day);
  return {
    name: unitName('sitemap', day),
    causes,
    order: 'ledger',
    render: async (ticket) => {
      const entries = await feeds.entriesStartingWith(feedKey({ kind: 'all' }), day);
      const articles = await datedStories(deps, entries);
      // ISO strings: the newest sorts last.
      const lastmod =
        articles
          .map((a) => a.updated)
          .sort()
          .at(-1) ?? '';
      await ledger.saveSitemapDay({ day, count: articles.length, lastmod }, ticket);
      if (articles.length === 0) return { stamp: ticket, files: { put: [], remove: [path] } };
      const body = renderDaySitemap(config, articles);
      return {
        stamp: ticket,
        files: { put: [file(path, body, CONTENT_TYPE.xml, CACHE_CONTROL.listing)], remove: [] },
      };
    },
  };
}

/**
 * A day's live stories with their last change, oldest first: from their entries, which carry it
 * (one Query per shard, however many stories the day has), else from the articles.
 */
const datedStories = (deps: UnitDeps, entries: readonly DatedEntry[]) =>
  storiesOf(
    deps,
    entries,
    ({ id, updated }) => (updated === undefined ? undefined : { id, updated }),
    ({ id, updated }) => ({ id, updated }),
  );

const NEWS_WINDOW_MS = NEWS_SITEMAP_DAYS * DAY_MS;

/**
 * The news sitemap's stories, newest first: from their entries, which carry the title and
 * language (up to 1,000 stories a render, so no article is read for them), else from the
 * articles.
 */
const newsStories = (deps: UnitDeps, entries: readonly HeadedEntry[]) =>
  storiesOf<HeadedEntry, Pick<Headline, 'id' | 'title' | 'published' | 'language'>>(
    deps,
    entries,
    ({ id, sortKey, title, language }) =>
      title === undefined
        ? undefined
        : {
            id,
            title,
            published: sortKey.slice(0, sortKey.indexOf('#')),
            ...(language !== undefined ? { language } : {}),
          },
    (headline) => headline,
  );

/**
 * What a sitemap shows of each entry's story, in the entries' order: what the entry carries
 * (`carried`; undefined for an entry written before entries carried it), else what the
 * article's headline says; a story no longer live is left out.
 */
async function storiesOf<E extends EntryRef, S>(
  deps: UnitDeps,
  entries: readonly E[],
  carried: (entry: E) => S | undefined,
  fromHeadline: (headline: Headline) => S,
): Promise<S[]> {
  const own = entries.map(carried);
  const bare = entries.filter((_, i) => own[i] === undefined);
  const read = new Map((await headlinesOf(deps, bare)).map((h) => [h.id, fromHeadline(h)]));
  return entries.flatMap((e, i) => own[i] ?? read.get(e.id) ?? []);
}

/** The live ones of these entries' articles, headline fields only (a few hundred bytes each). */
async function headlinesOf({ feeds }: UnitDeps, entries: readonly EntryRef[]) {
  const headlines = await feeds.getHeadlines(entries.map((e) => e.id));
  return headlines.filter((h) => h.status === 'live');
}

/**
 * The pages that list feeds, from one read of the feed metas: the index (the newest articles and
 * the most used tags), the tags page, the OPML, and the 404 page; and the files search engines
 * start from: the sitemap index (from the day sitemaps' items), the Google News sitemap (the
 * last two days' stories) and robots.txt.
 */
export function listingsUnit(causes: string[], deps: UnitDeps): RenderUnit {
  const { feeds, config } = deps;
  return {
    name: 'listings',
    causes,
    order: 'ledger',
    render: async (ticket) => {
      const since = new Date(deps.now() - NEWS_WINDOW_MS).toISOString();
      const [head, metas, days, recent] = await Promise.all([
        feeds.feedHead(feedKey({ kind: 'all' }), config.itemLimit),
        feeds.listFeedMetas(),
        feeds.listSitemapDays(),
        feeds.entriesSince(feedKey({ kind: 'all' }), since, MAX_NEWS_URLS),
      ]);
      const listings = listingsOf(metas);
      // The site feed's subscription document's stories: its "Older stories" link leads on
      // from the last of them.
      const [latest, links] = await subscriptionArticles(deps, head, feedKey({ kind: 'all' }));
      const index = renderIndex(config, latest, listings, links?.older);
      const news = await newsStories(deps, recent);
      // With no story of the last two days, the newest one stands in (renderNewsSitemap).
      const newest = latest[0];
      const hasNews = news.length > 0 || newest !== undefined;
      const discovery = [
        file(
          SITEMAP_INDEX_PATH,
          renderSitemapIndex(config, days),
          CONTENT_TYPE.xml,
          CACHE_CONTROL.listing,
        ),
        file(
          PAGES_SITEMAP_PATH,
          renderPagesSitemap(
            config,
            listings.map((listing) => listing.feed),
          ),
          CONTENT_TYPE.xml,
          CACHE_CONTROL.listing,
        ),
        file(ROBOTS_PATH, renderRobots(config, hasNews), CONTENT_TYPE.text, CACHE_CONTROL.listing),
        ...(hasNews
          ? [
              file(
                NEWS_SITEMAP_PATH,
                renderNewsSitemap(config, news, newest),
                CONTENT_TYPE.xml,
                CACHE_CONTROL.listing,
              ),
            ]
          : []),
      ];
      const put = [
        ...discovery,
        file(INDEX_PATH, index, CONTENT_TYPE.html, CACHE_CONTROL.listing),
        file(
          TAGS_PAGE_PATH,
          renderTagsPage(config, listings),
          CONTENT_TYPE.html,
          CACHE_CONTROL.listing,
        ),
        file(
          OPML_PATH,
          renderOpml(config, listings),
          storedContentType('opml'),
          CACHE_CONTROL.listing,
        ),
        file(NOT_FOUND_PATH, renderNotFound(config), CONTENT_TYPE.html, CACHE_CONTROL.notFound),
      ];
      const remove = hasNews ? [] : [NEWS_SITEMAP_PATH];
      return { stamp: ticket, files: { put, remove } };
    },
  };
}

/**
 * The articles of a batch's pages, read together (one BatchGet per 100) when the first page
 * renders, after the batch's changes were committed: as good as a read per page, and a
 * 500-record batch sends 5 requests instead of 500. The batch's feeds find them in the run's
 * cache (UnitDeps.articles) and do not read them again.
 */
export function pageArticles(
  { feeds, articles: cache }: Pick<UnitDeps, 'feeds' | 'articles'>,
  ids: readonly string[],
): (id: string) => Promise<StoredArticle | undefined> {
  let read: Promise<Map<string, StoredArticle>> | undefined;
  return async (id) => {
    if (!read) {
      const reading = feeds.getArticles([...ids]).then((found) => {
        for (const { article, rev } of found) {
          const key = cacheKey({ id: article.id, rev });
          if (!cache.has(key)) cache.set(key, Promise.resolve(article));
        }
        return new Map(found.map((s) => [s.article.id, s]));
      });
      read = reading;
      // A failed read is not kept: the next page asks again.
      reading.catch(() => {
        if (read === reading) read = undefined;
      });
    }
    return (await read).get(id);
  };
}

export function pageUnit(
  id: string,
  causes: string[],
  {
    config,
    renderer,
    pageArticle,
  }: Pick<UnitDeps, 'config' | 'renderer'> & {
    pageArticle: (id: string) => Promise<StoredArticle | undefined>;
  },
): RenderUnit {
  const path = articlePath(id);
  return {
    name: unitName('page', id),
    causes,
    order: 'revision',
    render: async () => {
      const stored = await pageArticle(id);
      const stamp = stored?.rev ?? 0;
      if (stored && isWithdrawnPublic(stored.article)) {
        // Readers saw it: its address answers 410 Gone with a notice, not a bare 404.
        const notice = renderWithdrawnPage(shownOf(stored.article), config);
        const gone = {
          ...file(path, notice, CONTENT_TYPE.html, CACHE_CONTROL.page),
          status: 410 as const,
        };
        return { stamp, files: { put: [gone], remove: [] } };
      }
      const movedTo = redirectOf(stored?.article);
      if (stored && movedTo) {
        // Its old address sends readers and search engines to the new one, for good.
        const to = articlePageUrl(config.url, movedTo);
        const body = renderMovedPage(stored.article, to, config);
        const moved = {
          ...file(path, body, CONTENT_TYPE.html, CACHE_CONTROL.page),
          status: 301 as const,
          location: to,
        };
        return { stamp, files: { put: [moved], remove: [] } };
      }
      if (stored?.article.status !== 'live') return { stamp, files: { put: [], remove: [path] } };
      const body = await renderer.page(stored.article, config);
      const put = [file(path, body, CONTENT_TYPE.html, CACHE_CONTROL.page)];
      // Revisions never restart (a deletion leaves a tombstone): the first one has no page yet.
      return { stamp, files: { put, remove: [], hint: { likelyNew: stored.rev === 1 } } };
    },
  };
}
