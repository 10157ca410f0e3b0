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

/**
 * One line of a feed's index: enough to order and fetch, plus the article's revision, so
 * the newest entries of a feed name exactly what a render of it shows.
 */
export interface FeedEntry {
  feed: FeedRef;
  /** `<published ISO>#<id>`: sorts newest last, so feeds are read in reverse. */
  sortKey: string;
  id: string;
  rev: number;
}

/** An article waiting for its date, released by the scheduler. */
export interface ScheduleEntry {
  sortKey: string;
  id: string;
}

/**
 * A tag or author feed gaining (+1) or losing (-1) an article. The site feed has no meta
 * item: it would be written by every ingest and serialize them all.
 */
export interface FeedMetaChange {
  feed: FeedRef;
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

function entriesOf(stored: StoredArticle | undefined): FeedEntry[] {
  const article = stored?.article;
  if (article?.status !== 'live') return [];
  const sortKey = entrySortKey(article);
  return feedsOf(article).map((feed) => ({ feed, sortKey, id: article.id, rev: stored?.rev ?? 0 }));
}

function scheduleOf(article: Article | undefined): ScheduleEntry | undefined {
  if (article?.status !== 'scheduled') return undefined;
  return { sortKey: entrySortKey(article), id: article.id };
}

const slot = (e: FeedEntry) => `${feedKey(e.feed)}\n${e.sortKey}`;

/** +1 for each tag or author feed joined, -1 for each one left. */
function membershipChanges(oldEntries: FeedEntry[], newEntries: FeedEntry[]): FeedMetaChange[] {
  const oldFeeds = new Map(oldEntries.map((e) => [feedKey(e.feed), e.feed]));
  const newFeeds = new Map(newEntries.map((e) => [feedKey(e.feed), e.feed]));
  const changes: FeedMetaChange[] = [];
  for (const [key, feed] of oldFeeds)
    if (!newFeeds.has(key)) changes.push({ feed, countDelta: -1 });
  for (const [key, feed] of newFeeds) if (!oldFeeds.has(key)) changes.push({ feed, countDelta: 1 });
  return changes
    .filter((c) => c.feed.kind !== 'all')
    .sort((a, b) => (feedKey(a.feed) < feedKey(b.feed) ? -1 : 1));
}

/**
 * Everything that moving an article from `before` to `after` writes: its feed entries (each
 * carrying the new revision, so every feed showing it sees the change), the counts of the
 * tag and author feeds it joins or leaves, the schedule. Either side may be absent (a new
 * article, a removal). Both must have the same id.
 */
export function planArticleWrite(
  before: StoredArticle | undefined,
  after: Article | undefined,
): ArticleWrite {
  const put = after ? { article: after, rev: (before?.rev ?? 0) + 1 } : undefined;
  const oldEntries = entriesOf(before);
  const newEntries = entriesOf(put);
  const newSlots = new Set(newEntries.map(slot));
  const oldSchedule = scheduleOf(before?.article);
  const newSchedule = scheduleOf(after);
  const scheduleChanged = oldSchedule?.sortKey !== newSchedule?.sortKey;
  return {
    put,
    deleteId: after ? undefined : before?.article.id,
    expectedRev: before?.rev,
    entries: { put: newEntries, delete: oldEntries.filter((e) => !newSlots.has(slot(e))) },
    feedMeta: membershipChanges(oldEntries, newEntries),
    schedule: {
      put: scheduleChanged ? newSchedule : undefined,
      delete: scheduleChanged ? oldSchedule : undefined,
    },
  };
}
