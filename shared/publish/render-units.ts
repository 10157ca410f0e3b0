import { type Article, type FeedRef, feedKey } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import {
  articlePath,
  CACHE_CONTROL,
  CONTENT_TYPE,
  FEED_FORMATS,
  feedPath,
  INDEX_PATH,
  NOT_FOUND_PATH,
  OPML_PATH,
  TAGS_PAGE_PATH,
} from '../contract/site-layout.ts';
import { renderArticlePage } from '../feeds/article-page.ts';
import type { FeedListing } from '../feeds/feed-listing.ts';
import { renderIndex } from '../feeds/index-page.ts';
import { renderNotFound } from '../feeds/not-found-page.ts';
import { renderOpml } from '../feeds/opml.ts';
import { renderFeed } from '../feeds/render-feed.ts';
import { renderTagsPage } from '../feeds/tags-page.ts';
import type { EntryRef, FeedMeta, FeedReader } from '../ports/feed-reader.ts';
import type { SiteFile } from '../ports/site-bucket.ts';

/** What a unit's files should be now: objects to write, paths to delete. */
export interface UnitFiles {
  put: SiteFile[];
  remove: string[];
}

/**
 * A set of site files rendered together from one piece of table state. `render` returns the
 * files and the version of the state they were rendered from (a feed's newest entries with
 * their revisions, an article's revision); `version` reads that version again, so a render
 * can tell whether the table moved on while it was rendering.
 */
export interface RenderUnit {
  name: string;
  causes: string[];
  render(): Promise<{ version: string; files: UnitFiles }>;
  version(): Promise<string>;
}

interface UnitDeps {
  feeds: FeedReader;
  config: SiteConfig;
  /**
   * Articles already read in this publish run, by `id@rev`. Keyed by revision, it can never
   * serve an article older than the entry that names it; the site feed and every tag feed of
   * a batch mostly show the same articles, so each is read once.
   */
  articles: Map<string, Promise<Article | undefined>>;
}

/** A cache for one publish run (see UnitDeps.articles). */
export const articleCache = (): UnitDeps['articles'] => new Map();

const entriesVersion = (entries: readonly EntryRef[]) =>
  entries.map((e) => `${e.id}@${e.rev}`).join(' ');

const metasVersion = (metas: readonly FeedMeta[]) =>
  metas
    .map((m) => `${feedKey(m.feed)}:${m.count}:${m.feed.kind === 'all' ? '' : m.feed.name}`)
    .sort()
    .join('|');

/** Tag and author feeds that hold articles; the site feed is always listed. */
const listingsOf = (metas: readonly FeedMeta[]): FeedListing[] => [
  { feed: { kind: 'all' } },
  ...metas.filter((m) => m.count > 0).map(({ feed, count }) => ({ feed, count })),
];

function file(path: string, body: string, contentType: string, cacheControl: string): SiteFile {
  return { path, body, contentType, cacheControl };
}

async function articlesOf({ feeds, articles: cache }: UnitDeps, entries: readonly EntryRef[]) {
  const cacheKey = (e: EntryRef) => `${e.id}@${e.rev}`;
  const missing = entries.filter((e) => !cache.has(cacheKey(e)));
  if (missing.length > 0) {
    // Cached as promises, so units rendering at the same time share one read.
    const read = feeds.getArticles(missing.map((e) => e.id));
    for (const e of missing) {
      cache.set(
        cacheKey(e),
        read.then((stored) => stored.find((s) => s.article.id === e.id)?.article),
      );
    }
  }
  const articles = await Promise.all(entries.map((e) => cache.get(cacheKey(e))));
  return articles.filter((a): a is Article => a?.status === 'live');
}

/**
 * One feed in three formats. The site feed also renders the index, which shows the same
 * articles and links every feed.
 */
export function feedUnit(feed: FeedRef, causes: string[], deps: UnitDeps): RenderUnit {
  const { feeds, config } = deps;
  const key = feedKey(feed);
  const isSite = feed.kind === 'all';
  const version = async () => {
    const entries = entriesVersion(await feeds.latestEntries(key, config.itemLimit));
    return isSite ? `${entries}|${metasVersion(await feeds.listFeedMetas())}` : entries;
  };
  return {
    name: `feed ${key}`,
    causes,
    version,
    render: async () => {
      const entries = await feeds.latestEntries(key, config.itemLimit);
      const metas = isSite ? await feeds.listFeedMetas() : [];
      const stamp = isSite
        ? `${entriesVersion(entries)}|${metasVersion(metas)}`
        : entriesVersion(entries);
      // A tag or author whose last article is gone loses its feeds; the site feed stays, empty.
      if (!isSite && entries.length === 0) {
        return {
          version: stamp,
          files: { put: [], remove: FEED_FORMATS.map((f) => feedPath(feed, f)) },
        };
      }
      // The meta's name is the first spelling seen, so the feed title does not flip-flop.
      const named = isSite ? feed : ((await feeds.getFeedMeta(key))?.feed ?? feed);
      const articles = await articlesOf(deps, entries);
      const rendered = renderFeed({ feed: named, site: config, articles });
      const put = FEED_FORMATS.map((format) =>
        file(feedPath(feed, format), rendered[format], CONTENT_TYPE[format], CACHE_CONTROL.feed),
      );
      if (isSite) {
        const index = renderIndex(config, articles, listingsOf(metas));
        put.push(file(INDEX_PATH, index, CONTENT_TYPE.html, CACHE_CONTROL.listing));
      }
      return { version: stamp, files: { put, remove: [] } };
    },
  };
}

export function pageUnit(id: string, causes: string[], { feeds, config }: UnitDeps): RenderUnit {
  const path = articlePath(id);
  return {
    name: `page ${id}`,
    causes,
    version: async () => String((await feeds.getArticle(id))?.rev ?? 'none'),
    render: async () => {
      const stored = await feeds.getArticle(id);
      const version = String(stored?.rev ?? 'none');
      if (stored?.article.status !== 'live') return { version, files: { put: [], remove: [path] } };
      const body = renderArticlePage(stored.article, config);
      return {
        version,
        files: { put: [file(path, body, CONTENT_TYPE.html, CACHE_CONTROL.page)], remove: [] },
      };
    },
  };
}

/** Tags page, OPML and 404: they list the feeds. */
export function listingsUnit(causes: string[], { feeds, config }: UnitDeps): RenderUnit {
  return {
    name: 'feed listings',
    causes,
    version: async () => metasVersion(await feeds.listFeedMetas()),
    render: async () => {
      const metas = await feeds.listFeedMetas();
      const listings = listingsOf(metas);
      const put = [
        file(
          TAGS_PAGE_PATH,
          renderTagsPage(config, listings),
          CONTENT_TYPE.html,
          CACHE_CONTROL.listing,
        ),
        file(OPML_PATH, renderOpml(config, listings), CONTENT_TYPE.opml, CACHE_CONTROL.listing),
        file(NOT_FOUND_PATH, renderNotFound(config), CONTENT_TYPE.html, CACHE_CONTROL.notFound),
      ];
      return { version: metasVersion(metas), files: { put, remove: [] } };
    },
  };
}
