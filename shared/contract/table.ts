import { createHash } from 'node:crypto';

/**
 * The single table: its definition and its key layout (README "Table"), used by the CDK stack
 * (infra/), the DynamoDB adapters (shared/stores/) and the embedded AWS (shared/local/) alike.
 * Plain data: no SDK or CDK types.
 */

export const TABLE = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  streamViewType: 'NEW_AND_OLD_IMAGES',
  billingMode: 'PAY_PER_REQUEST',
} as const;

/** Partition-key prefix of article items: the only items whose stream records publish reads. */
export const ARTICLE_PK_PREFIX = 'ART#';

/**
 * Every feed's entries, and the schedule, are spread over this many partitions by a hash of the
 * article id, and read back by a merge: at 1,000 uploads/s a feed every upload joins (the site
 * feed) takes 1,000 × 2 transactional entry writes (a new sort key, the old one deleted) × 2 WCU
 * / 10 = 400 WCU/s per partition, under half of DynamoDB's 1,000 (README "Capacity").
 */
export const WRITE_SHARDS = 10;

/** The partition (0 … WRITE_SHARDS - 1) an article's entries and schedule item live in. */
export function writeShard(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % WRITE_SHARDS;
}

/**
 * The partition one feed entry lives in. A feed's `gone` list (withdrawn stories, rare and
 * read on every render of the feed) is one partition, read with one Query; so is the site's
 * `moved` list (moved stories' old addresses, read only by a whole-site republish).
 */
export function entryShard(list: 'live' | 'gone' | 'moved', id: string): number {
  return list === 'live' ? writeShard(id) : 0;
}

export const SHARD_NUMBERS = Array.from({ length: WRITE_SHARDS }, (_, shard) => shard);

/**
 * Feed metas share one partition, so every feed can be listed with one Query (OPML, tags page);
 * only publish writes them, once per feed render, never an ingest.
 */
export const keys = {
  source: (key: string) => ({ pk: `SRC#${key}`, sk: 'S' }),
  article: (id: string) => ({ pk: `${ARTICLE_PK_PREFIX}${id}`, sk: 'A' }),
  feedEntry: (feed: string, shard: number, sortKey: string) => ({
    pk: `FEED#${feed}#${shard}`,
    sk: sortKey,
  }),
  feedMeta: (feed: string) => ({ pk: 'FEEDMETA', sk: feed }),
  schedule: (shard: number, sortKey: string) => ({ pk: `SCHED#${shard}`, sk: sortKey }),
  /**
   * Which article the bytes of an upload (sha256) last made: the same bytes under another key
   * are that article moved (README "Moving a file").
   */
  body: (hash: string) => ({ pk: `BODY#${hash}`, sk: 'B' }),
  /** A media file of the inbox: where it is published and which articles use it. */
  media: (key: string) => ({ pk: `MEDIA#${key}`, sk: 'M' }),
  /** One day's sitemap (`YYYY-MM-DD`): its story count and newest update; publish keeps it. */
  sitemapDay: (day: string) => ({ pk: 'SITEMAP', sk: day }),
  /**
   * A feed's archive (RFC 5005): the newest archive page that the page before it has been
   * written to link to (`next-archive`); publish keeps it, so a new newest page gets its older
   * neighbour rewritten once, whichever batch or retry sees it first.
   */
  archiveLink: (feed: string) => ({ pk: 'ARCHIVE', sk: feed }),
  /**
   * The whole site's re-render: the settings fingerprint it was last rendered with, and a
   * republish of every article under way (its lease and cursor); publish keeps it.
   */
  siteRendering: () => ({ pk: 'SITE', sk: 'RENDERING' }),
  /** Publish's bookkeeping for one render unit (a feed, a page, the listings): claims and lease. */
  render: (unit: string) => ({ pk: `RENDER#${unit}`, sk: 'R' }),
};

/**
 * The partitions publish writes, as IAM `dynamodb:LeadingKeys` patterns: its render ledger, the
 * feed metas, the day sitemaps, the archive links and the site's rendering record. Its role may
 * write nothing else (never an article, an entry or a source record).
 */
export const PUBLISH_WRITES_PARTITIONS = [
  keys.render('*').pk,
  keys.feedMeta('').pk,
  keys.sitemapDay('').pk,
  keys.archiveLink('').pk,
  keys.siteRendering().pk,
] as const;
