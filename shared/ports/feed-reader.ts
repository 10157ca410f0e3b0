import type { Article, FeedRef } from '../articles/article.ts';
import type { StoredArticle } from '../articles/stored.ts';

/**
 * A tag or author feed's meta item: its display name (the first spelling seen) and how many
 * articles it holds. Publish keeps it, and removes it with the feed's last article.
 */
export interface FeedMeta {
  feed: FeedRef;
  count: number;
}

/** A feed's newest entries name what a render shows: which articles, at which revision. */
export interface EntryRef {
  id: string;
  rev: number;
}

/** The table as publish reads it: bounded reads only, never a Scan. */
export interface FeedReader {
  getFeedMeta(feed: string): Promise<FeedMeta | undefined>;
  listFeedMetas(): Promise<FeedMeta[]>;
  /** Newest first: one Query with Limit = `limit` per write shard, merged. */
  latestEntries(feed: string, limit: number): Promise<EntryRef[]>;
  /**
   * The newest `limit` entries and how many the feed holds in all. The count comes free from
   * the same Queries while each partition holds fewer than `limit`; only a fuller partition is
   * counted with a further (counting) Query.
   */
  feedPage(feed: string, limit: number): Promise<{ entries: EntryRef[]; total: number }>;
  /**
   * The feed's withdrawn stories (its `gone` list, see FeedEntry) withdrawn at or after
   * `sinceIso`, newest withdrawal first, at most `limit`: one Query.
   */
  withdrawnEntries(feed: string, sinceIso: string, limit: number): Promise<EntryRef[]>;
  /** One BatchGet (per 100 ids), in the order given. */
  getArticles(ids: string[]): Promise<StoredArticle[]>;
}

/** One article item's change, as the table stream reports it. */
export interface ArticleChange {
  /** Identifies the stream record, for partial batch failures. */
  recordId: string;
  before?: Article;
  after?: Article;
}
