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

/** Feed metas share one partition, so every feed can be listed with one Query (OPML, tags page). */
export const keys = {
  source: (key: string) => ({ pk: `SRC#${key}`, sk: 'S' }),
  article: (id: string) => ({ pk: `${ARTICLE_PK_PREFIX}${id}`, sk: 'A' }),
  feedEntry: (feed: string, sortKey: string) => ({ pk: `FEED#${feed}`, sk: sortKey }),
  feedMeta: (feed: string) => ({ pk: 'FEEDMETA', sk: feed }),
  schedule: (sortKey: string) => ({ pk: 'SCHED', sk: sortKey }),
};
