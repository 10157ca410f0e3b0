import { type FeedRef, feedKey } from '../articles/article.ts';
import type { SiteConfig } from '../config/site.ts';
import { renderArticlePage } from '../feeds/article-page.ts';
import type { FeedListing } from '../feeds/feed-listing.ts';
import { renderIndex } from '../feeds/index-page.ts';
import { renderNotFound } from '../feeds/not-found-page.ts';
import { renderOpml } from '../feeds/opml.ts';
import { renderFeed } from '../feeds/render-feed.ts';
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
} from '../feeds/site-layout.ts';
import { renderTagsPage } from '../feeds/tags-page.ts';
import type { FeedSource, SiteFile } from './ports.ts';

/** What a unit's files should be now: objects to write, paths to delete. */
export interface UnitFiles {
  put: SiteFile[];
  remove: string[];
}

/**
 * A set of site files rendered together from one piece of table state. `version` names that
 * state (a feed's generation, an article's revision) so a render can tell whether the table
 * moved on while it was rendering.
 */
export interface RenderUnit {
  name: string;
  causes: string[];
  version(): Promise<string>;
  files(): Promise<UnitFiles>;
}

interface UnitDeps {
  source: FeedSource;
  config: SiteConfig;
}

async function liveArticles(source: FeedSource, feed: string, limit: number) {
  const stored = await source.getArticles(await source.latestIds(feed, limit));
  return stored.map((s) => s.article).filter((a) => a.status === 'live');
}

export function feedUnit(
  feed: FeedRef,
  causes: string[],
  { source, config }: UnitDeps,
): RenderUnit {
  const key = feedKey(feed);
  const paths = FEED_FORMATS.map((format) => feedPath(feed, format));
  return {
    name: `feed ${key}`,
    causes,
    version: async () => String((await source.getFeedMeta(key))?.generation ?? 'none'),
    files: async () => {
      const meta = await source.getFeedMeta(key);
      // A tag or author whose last article is gone loses its feeds; the site feed stays, empty.
      if (feed.kind !== 'all' && (!meta || meta.count <= 0)) return { put: [], remove: paths };
      const articles = await liveArticles(source, key, config.itemLimit);
      const rendered = renderFeed({ feed: meta?.feed ?? feed, site: config, articles });
      const put = FEED_FORMATS.map((format) => ({
        path: feedPath(feed, format),
        body: rendered[format],
        contentType: CONTENT_TYPE[format],
        cacheControl: CACHE_CONTROL.feed,
      }));
      return { put, remove: [] };
    },
  };
}

export function pageUnit(id: string, causes: string[], { source, config }: UnitDeps): RenderUnit {
  const path = articlePath(id);
  return {
    name: `page ${id}`,
    causes,
    version: async () => String((await source.getArticle(id))?.rev ?? 'none'),
    files: async () => {
      const stored = await source.getArticle(id);
      if (stored?.article.status !== 'live') return { put: [], remove: [path] };
      const body = renderArticlePage(stored.article, config);
      return {
        put: [{ path, body, contentType: CONTENT_TYPE.html, cacheControl: CACHE_CONTROL.page }],
        remove: [],
      };
    },
  };
}

function listingsVersion(
  listings: readonly { feed: FeedRef; generation: number; count: number }[],
): string {
  return listings
    .map((m) => `${feedKey(m.feed)}:${m.generation}:${m.count}`)
    .sort()
    .join('|');
}

/** Index, tags page, OPML and 404: they list feeds and the newest articles. */
export function siteUnit(causes: string[], { source, config }: UnitDeps): RenderUnit {
  const html = (
    path: string,
    body: string,
    cacheControl: string = CACHE_CONTROL.listing,
  ): SiteFile => ({
    path,
    body,
    contentType: CONTENT_TYPE.html,
    cacheControl,
  });
  return {
    name: 'site pages',
    causes,
    version: async () => listingsVersion(await source.listFeedMetas()),
    files: async () => {
      const metas = await source.listFeedMetas();
      const listings: FeedListing[] = metas
        .filter((m) => m.count > 0)
        .map(({ feed, count }) => ({ feed, count }));
      const articles = await liveArticles(source, 'all', config.itemLimit);
      const put = [
        html(INDEX_PATH, renderIndex(config, articles, listings)),
        html(TAGS_PAGE_PATH, renderTagsPage(config, listings)),
        html(NOT_FOUND_PATH, renderNotFound(config), CACHE_CONTROL.notFound),
        {
          path: OPML_PATH,
          body: renderOpml(config, listings),
          contentType: CONTENT_TYPE.opml,
          cacheControl: CACHE_CONTROL.listing,
        },
      ];
      return { put, remove: [] };
    },
  };
}
