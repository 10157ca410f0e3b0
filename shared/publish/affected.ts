import { type Article, type FeedRef, feedKey, feedsOf, noticesOf } from '../articles/article.ts';
import { entrySortKey } from '../articles/stored.ts';
import { sitemapDayOf } from '../feeds/sitemaps.ts';
import type { ArticleChange } from '../ports/feed-reader.ts';

/** What one batch of changes makes stale: each feed and page at most once. */
export interface Affected {
  /**
   * Each feed, with the sort keys of the entries the batch added, changed or removed in it
   * (their archive pages may have changed), and whether it removed or moved any.
   */
  feeds: Map<string, { feed: FeedRef; causes: string[]; changed: string[]; removed: boolean }>;
  pages: Map<string, { id: string; causes: string[] }>;
  /** Day sitemaps (`YYYY-MM-DD`) whose stories changed. */
  days: Map<string, { day: string; causes: string[] }>;
  /** Index, tags page, OPML and 404 depend on every change. */
  siteCauses: string[];
}

/** The feeds showing the article: as an item, or (withdrawn) as a deleted entry. */
function visibleFeeds(article: Article | undefined): FeedRef[] {
  if (!article) return [];
  // Its own feeds if it is live, and those of each withdrawal it announces (noticesOf).
  const own = article.status === 'live' ? feedsOf(article) : [];
  return [...own, ...noticesOf(article).flatMap(feedsOf)];
}

/** The sort key of an article's entry in each feed it is listed in (live only). */
function liveEntries(article: Article | undefined): Map<string, string> {
  if (article?.status !== 'live') return new Map();
  const sortKey = entrySortKey(article);
  return new Map(feedsOf(article).map((feed) => [feedKey(feed), sortKey]));
}

/** Coalesces a batch: 500 changes to one feed make one feed to render. */
export function affectedBy(changes: readonly ArticleChange[]): Affected {
  const affected: Affected = {
    feeds: new Map(),
    pages: new Map(),
    days: new Map(),
    siteCauses: [],
  };
  for (const change of changes) {
    const { recordId } = change;
    // The site feed is always rendered, so it exists (empty) before the first live article.
    const always: FeedRef = { kind: 'all' };
    // Each feed once per change (before and after often share it): a batch of thousands of
    // changes must not search the site feed's causes for every one of them.
    const feeds = new Map<string, FeedRef>();
    for (const feed of [always, ...visibleFeeds(change.before), ...visibleFeeds(change.after)]) {
      const key = feedKey(feed);
      if (!feeds.has(key)) feeds.set(key, feed);
    }
    const before = liveEntries(change.before);
    const after = liveEntries(change.after);
    for (const [key, feed] of feeds) {
      const entry = affected.feeds.get(key) ?? {
        feed,
        causes: [],
        changed: [],
        removed: false,
      };
      entry.causes.push(recordId);
      const [was, is] = [before.get(key), after.get(key)];
      for (const sortKey of [was, is]) if (sortKey !== undefined) entry.changed.push(sortKey);
      if (was !== undefined && was !== is) entry.removed = true;
      affected.feeds.set(key, entry);
    }
    for (const id of new Set([change.before?.id, change.after?.id])) {
      if (!id) continue;
      const entry = affected.pages.get(id) ?? { id, causes: [] };
      entry.causes.push(recordId);
      affected.pages.set(id, entry);
    }
    const days = new Set(
      [change.before, change.after]
        .filter((a): a is Article => a?.status === 'live')
        .map((a) => sitemapDayOf(a.published)),
    );
    for (const day of days) {
      const entry = affected.days.get(day) ?? { day, causes: [] };
      entry.causes.push(recordId);
      affected.days.set(day, entry);
    }
    affected.siteCauses.push(recordId);
  }
  return affected;
}
