import type { FeedRef } from '../articles/article.ts';
import type { StoredArticle } from '../articles/stored.ts';

/** A feed's meta item: bumped by every table write that changes what the feed shows. */
export interface FeedMeta {
  feed: FeedRef;
  generation: number;
  count: number;
}

/** The table as publish reads it: bounded reads only, never a Scan. */
export interface FeedSource {
  getFeedMeta(feed: string): Promise<FeedMeta | undefined>;
  listFeedMetas(): Promise<FeedMeta[]>;
  /** Newest first; one Query with Limit = `limit`. */
  latestIds(feed: string, limit: number): Promise<string[]>;
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
