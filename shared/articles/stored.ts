import { type Article, type FeedRef, feedKey, feedsOf } from './article.ts';

/**
 * How an article sits in the table, and what one change to it must write: the pure core of
 * ingest and release. The adapter in shared/stores turns a WritePlan into one transaction.
 */

/** An article as stored, with the revision used for optimistic concurrency. */
export interface StoredArticle {
  article: Article;
  /** Increases by one on every write of the article item. */
  rev: number;
}

/** One line of a feed's index: enough to order and fetch. */
export interface FeedEntry {
  feed: FeedRef;
  /** `<published ISO>#<id>`: sorts newest last, so feeds are read in reverse. */
  sortKey: string;
  id: string;
}

/** An article waiting for its date, released by the scheduler. */
export interface ScheduleEntry {
  sortKey: string;
  id: string;
}

export interface FeedMetaChange {
  feed: FeedRef;
  /** +1 the article joined the feed, -1 it left, 0 it changed in place. */
  countDelta: number;
}

export interface ArticleWrite {
  /** The article item to put, or the id to delete. */
  put?: StoredArticle;
  deleteId?: string;
  /** The revision the write was planned against; absent when the article must not exist. */
  expectedRev?: number;
  entries: { put: FeedEntry[]; delete: FeedEntry[] };
  feedMeta: FeedMetaChange[];
  schedule: { put?: ScheduleEntry; delete?: ScheduleEntry };
}

export function entrySortKey(article: Pick<Article, 'published' | 'id'>): string {
  return `${article.published}#${article.id}`;
}

function entriesOf(article: Article | undefined): FeedEntry[] {
  if (article?.status !== 'live') return [];
  const sortKey = entrySortKey(article);
  return feedsOf(article).map((feed) => ({ feed, sortKey, id: article.id }));
}

function scheduleOf(article: Article | undefined): ScheduleEntry | undefined {
  if (article?.status !== 'scheduled') return undefined;
  return { sortKey: entrySortKey(article), id: article.id };
}

const entryId = (e: FeedEntry) => `${feedKey(e.feed)}\n${e.sortKey}`;

/**
 * Everything that moving an article from `before` to `after` writes: feed entries it joins or
 * leaves, each affected feed's meta (count and generation), the schedule. Either side may be
 * absent (a new article, a removal). Both must have the same id.
 */
export function planArticleWrite(
  before: StoredArticle | undefined,
  after: Article | undefined,
): ArticleWrite {
  const oldEntries = entriesOf(before?.article);
  const newEntries = entriesOf(after);
  const oldIds = new Set(oldEntries.map(entryId));
  const newIds = new Set(newEntries.map(entryId));

  const metas = new Map<string, FeedMetaChange>();
  const touch = (feed: FeedRef, delta: number) => {
    const key = feedKey(feed);
    const change = metas.get(key) ?? { feed, countDelta: 0 };
    change.countDelta += delta;
    metas.set(key, change);
  };
  for (const e of oldEntries)
    touch(e.feed, newEntries.some((n) => feedKey(n.feed) === feedKey(e.feed)) ? 0 : -1);
  for (const e of newEntries) {
    const wasMember = oldEntries.some((o) => feedKey(o.feed) === feedKey(e.feed));
    if (!wasMember) touch(e.feed, 1);
  }

  const oldSchedule = scheduleOf(before?.article);
  const newSchedule = scheduleOf(after);
  const scheduleChanged = oldSchedule?.sortKey !== newSchedule?.sortKey;
  return {
    put: after ? { article: after, rev: (before?.rev ?? 0) + 1 } : undefined,
    deleteId: after ? undefined : before?.article.id,
    expectedRev: before?.rev,
    entries: {
      put: newEntries.filter((e) => !oldIds.has(entryId(e))),
      delete: oldEntries.filter((e) => !newIds.has(entryId(e))),
    },
    feedMeta: [...metas.values()].sort((a, b) => feedKey(a.feed).localeCompare(feedKey(b.feed))),
    schedule: {
      put: scheduleChanged ? newSchedule : undefined,
      delete: scheduleChanged ? oldSchedule : undefined,
    },
  };
}
