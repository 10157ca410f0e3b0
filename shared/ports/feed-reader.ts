import type { Article, FeedRef } from '../articles/article.ts';
import type { StoredArticle } from '../articles/stored.ts';

/**
 * A tag or author feed's meta item: its display name (the first spelling seen) and how many
 * articles it holds. Publish keeps it, and removes it with the feed's last article.
 */
export interface FeedMeta {
  feed: FeedRef;
  count: number;
  /**
   * No article left, but the feed still announces withdrawn ones (RFC 6721): kept, unlisted,
   * so the site's periodic render can drop the feed once its window has passed.
   */
  announcing?: true;
}

/** What listings and sitemaps need of an article (read with a projection: small). */
export type Headline = Pick<
  Article,
  'id' | 'title' | 'published' | 'updated' | 'language' | 'status'
>;

/** One day's sitemap as the index lists it (publish keeps one per day that has stories). */
export interface SitemapDay {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  count: number;
  /**
   * The newest `updated` its stories have had (ISO): never earlier than it was, also once the
   * newest-updated story left the day (RenderLedger.saveSitemapDay).
   */
  lastmod: string;
}

/** A feed's newest entries name what a render shows: which articles, at which revision. */
export interface EntryRef {
  id: string;
  rev: number;
}

/**
 * An entry with its article's last change, which the entry carries (FeedEntry.updated) unless it
 * was written before entries did (2026-12-04): a reader asks the article for those.
 */
export interface DatedEntry extends EntryRef {
  updated?: string;
}

/** An entry with its place in the feed: its sort key, `<published ISO>#<id>`. */
export interface KeyedEntry extends EntryRef {
  sortKey: string;
}

/**
 * An entry with what the news sitemap shows of its story: its title and language, which the site
 * feed's live entries carry unless written before they did (2026-12-04), and its publication
 * (the sort key's date).
 */
export interface HeadedEntry extends KeyedEntry {
  title?: string;
  language?: string;
}

/**
 * Where a walk through a feed starts and which way it goes: `newest first` from the newest
 * entry, or below `bound`; `oldest first` from the oldest, or above `bound`. `inclusive` takes
 * an entry at the bound itself too.
 */
export interface WalkStart {
  order: 'newest first' | 'oldest first';
  bound?: { key: string; inclusive: boolean };
}

/**
 * A feed's newest entries, and the rest of it on from the same read (FeedReader.feedHead): one
 * render takes its page, its count and its archive link (a walk past the page) from it.
 */
export interface FeedHead {
  /** The newest `limit` entries, newest first. */
  entries: KeyedEntry[];
  /** How many entries the feed holds, counted as feedPage counts them. */
  total(): Promise<number>;
  /**
   * The whole feed newest first, from its newest entry, as walkEntries goes: what the head's
   * Queries read first, then on from where each partition's stopped (a partition they read to
   * its end is not read again). Each call walks from the top again.
   */
  walk(): AsyncIterable<KeyedEntry>;
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
   * The newest `limit` entries as latestEntries reads them (one Query per write shard), with
   * the feed's count and a walk that goes on from them (FeedHead): a render that needs the
   * page and what lies below it reads the top of the feed once.
   */
  feedHead(feed: string, limit: number): Promise<FeedHead>;
  /**
   * The feed's withdrawn stories (its `gone` list, see FeedEntry) withdrawn at or after
   * `sinceIso`, newest withdrawal first, at most `limit`: one Query.
   */
  withdrawnEntries(feed: string, sinceIso: string, limit: number): Promise<EntryRef[]>;
  /**
   * Every entry of a feed whose sort key begins with `prefix` (a day, `2026-12-03`), oldest
   * first: one Query per write shard, every page.
   */
  entriesStartingWith(feed: string, prefix: string): Promise<DatedEntry[]>;
  /**
   * The newest `limit` entries whose sort keys are at or after `since`, newest first, with the
   * headline the site feed's entries carry.
   */
  entriesSince(feed: string, since: string, limit: number): Promise<HeadedEntry[]>;
  /**
   * A feed's entries in order from `start`, read as the caller goes: one Query per write shard
   * for each few entries taken, so a walk that stops after 60 entries reads about that many,
   * whatever the feed holds (the archive pages' boundaries are found this way).
   */
  walkEntries(feed: string, start: WalkStart): AsyncIterable<KeyedEntry>;
  /**
   * The newest archive page (its start) the page before it links to, as publish last recorded
   * (RenderLedger.saveArchiveLink); undefined when none was recorded.
   */
  archiveLink(feed: string): Promise<string | undefined>;
  /** Every day sitemap publish keeps (one Query of one partition, every page). */
  listSitemapDays(): Promise<SitemapDay[]>;
  /**
   * One BatchGet (per 100 ids), in the order given, missing ones left out: strongly consistent,
   * the latest revision of each. With `revs` (each id's revision as an entry read strongly
   * named it), each article at that revision or a later one: read from a replica first, at
   * half the read units, and again from the leader only where the replica was behind.
   */
  getArticles(ids: string[], revs?: readonly number[]): Promise<StoredArticle[]>;
  /** The same, with only the headline fields: in the order given, missing ones left out. */
  getHeadlines(ids: string[]): Promise<Headline[]>;
}

/** One article item's change, as the table stream reports it. */
export interface ArticleChange {
  /** Identifies the stream record, for partial batch failures. */
  recordId: string;
  before?: Article;
  after?: Article;
  /**
   * When the change was committed at the latest (epoch ms; the stream record's time, rounded
   * up). A batch retried later still knows when its changes were in place, so renders made
   * since, its own first attempt's included, cover it.
   */
  committedAt?: number;
}
