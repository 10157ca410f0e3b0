/**
 * The one definition of the table and the buckets, used by the CDK stack (infra/) and by
 * the embedded AWS (shared/local/) alike. Plain data: no SDK or CDK types.
 */

export const TABLE = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  streamViewType: 'NEW_AND_OLD_IMAGES',
  billingMode: 'PAY_PER_REQUEST',
} as const;

/** Partition-key prefix of article items: the only items whose stream records publish reads. */
export const ARTICLE_PK_PREFIX = 'ART#';

/** Deliveries of one ingest message before it is parked in the dead-letter queue. */
export const INGEST_MAX_RECEIVES = 5;

/** Object key prefixes inside the inbox bucket. */
export const INBOX_PREFIX = {
  articles: 'articles/',
  reports: 'reports/',
} as const;

/** Resource names for the local runtime; on AWS, CloudFormation names them. */
export const LOCAL_NAMES = {
  table: 'feedpub-articles',
  inboxBucket: 'feedpub-inbox',
  siteBucket: 'feedpub-site',
} as const;

/** Environment variables through which the stacks hand resource names to the functions. */
export const ENV = {
  tableName: 'TABLE_NAME',
  inboxBucket: 'INBOX_BUCKET',
  siteBucket: 'SITE_BUCKET',
  siteUrl: 'SITE_URL',
  siteTitle: 'SITE_TITLE',
  siteDescription: 'SITE_DESCRIPTION',
  siteLanguage: 'SITE_LANGUAGE',
  itemLimit: 'ITEM_LIMIT',
} as const;
