/** Environment variables through which the stacks hand resource names and settings to the functions. */
export const ENV = {
  tableName: 'TABLE_NAME',
  inboxBucket: 'INBOX_BUCKET',
  siteBucket: 'SITE_BUCKET',
  siteUrl: 'SITE_URL',
  siteTitle: 'SITE_TITLE',
  siteDescription: 'SITE_DESCRIPTION',
  siteLanguage: 'SITE_LANGUAGE',
  itemLimit: 'ITEM_LIMIT',
  siteHubs: 'SITE_WEBSUB_HUBS',
  withdrawnDays: 'SITE_WITHDRAWN_DAYS',
  feedContent: 'SITE_FEED_CONTENT',
  siteIcon: 'SITE_ICON',
  siteRedirects: 'SITE_REDIRECTS',
  ingestDeadLetterQueue: 'INGEST_DEAD_LETTER_QUEUE_URL',
  hubNoticeQueue: 'HUB_NOTICE_QUEUE_URL',
} as const;
