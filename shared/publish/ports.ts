import type { FeedRef } from '../articles/article.ts';
import type { StoredArticle } from '../articles/stored.ts';

/** A tag or author feed's meta item: its display name and how many articles it holds. */
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
export interface FeedSource {
  getFeedMeta(feed: string): Promise<FeedMeta | undefined>;
  listFeedMetas(): Promise<FeedMeta[]>;
  /** Newest first; one Query with Limit = `limit`. */
  latestEntries(feed: string, limit: number): Promise<EntryRef[]>;
  /** One BatchGet (per 100 ids), in the order given. */
  getArticles(ids: string[]): Promise<StoredArticle[]>;
  getArticle(id: string): Promise<StoredArticle | undefined>;
}

export interface SiteFile {
  path: string;
  body: string;
  contentType: string;
  cacheControl: string;
}

/** The site bucket. */
export interface SiteBucket {
  /** Writes unless the stored object has the same content hash; true when it wrote. */
  put(file: SiteFile): Promise<boolean>;
  /** True when there was something to delete. */
  delete(path: string): Promise<boolean>;
}
