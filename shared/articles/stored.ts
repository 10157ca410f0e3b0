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
 * One change to one article. Feed metas (names and counts of tag and author feeds) are not
 * part of it: publish keeps them, so concurrent ingests never write a shared item.
 */
export interface ArticleWrite {
  /** The article item to put: a removal puts a tombstone (status `deleted`). */
  put: StoredArticle;
  /** The revision the write was planned against; absent when the article must not exist. */
  expectedRev?: number;
  entries: { put: FeedEntry[]; delete: FeedEntry[] };
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

/** What stays of a removed article: its identity and dates, no content, in no feed. */
export function tombstoneOf(article: Article): Article {
  const { image: _image, link: _link, ...kept } = article;
  return { ...kept, status: 'deleted', summary: '', contentHtml: '', tags: [], authors: [] };
}

/** Whether an id is free for a new file: no article, or only a removed one's tombstone. */
export function isGone(stored: StoredArticle | undefined): boolean {
  return !stored || stored.article.status === 'deleted';
}

/**
 * Everything that moving an article from `before` to `after` writes: the article item (a
 * tombstone when `after` is absent, so revisions never restart), its feed entries (each carrying
 * the new revision, so every feed showing it sees the change), the schedule. `before` is absent
 * for a new article; `after` for a removal, which needs `before`. Both have the same id.
 */
export function planArticleWrite(
  before: StoredArticle | undefined,
  after: Article | undefined,
): ArticleWrite {
  const next = after ?? (before ? tombstoneOf(before.article) : undefined);
  if (!next) throw new Error('planArticleWrite: a removal needs the article it removes');
  const put = { article: next, rev: (before?.rev ?? 0) + 1 };
  const oldEntries = entriesOf(before);
  const newEntries = entriesOf(put);
  const newSlots = new Set(newEntries.map(slot));
  const oldSchedule = scheduleOf(before?.article);
  const newSchedule = scheduleOf(after);
  const scheduleChanged = oldSchedule?.sortKey !== newSchedule?.sortKey;
  return {
    put,
    expectedRev: before?.rev,
    entries: { put: newEntries, delete: oldEntries.filter((e) => !newSlots.has(slot(e))) },
    schedule: {
      put: scheduleChanged ? newSchedule : undefined,
      delete: scheduleChanged ? oldSchedule : undefined,
    },
  };
}
