/**
 * The inbox bucket as editors, the ingest function and the tools see it: where uploads go,
 * where reports appear and what a report holds, and how often a message is tried.
 */

/** Object key prefixes inside the inbox bucket. */
export const INBOX_PREFIX = {
  articles: 'articles/',
  reports: 'reports/',
} as const;

/** Deliveries of one ingest message before it is parked in the dead-letter queue. */
export const INGEST_MAX_RECEIVES = 5;

export type IngestStatus =
  | 'published'
  | 'updated'
  | 'unchanged'
  | 'draft'
  | 'scheduled'
  | 'rejected'
  | 'deleted'
  /** Processing kept failing (not the file's fault); the message went to the dead-letter queue. */
  | 'failed';

/** What happened to one upload: written to `reports/<key>.json` and printed by the CLI. */
export interface IngestReport {
  key: string;
  versionId?: string;
  sequencer: string;
  eventTime: string;
  status: IngestStatus;
  id?: string;
  title?: string;
  /** Why it was rejected: what was wrong and where. */
  reason?: string;
  warnings: string[];
}

export function reportKey(objectKey: string): string {
  return `${INBOX_PREFIX.reports}${objectKey}.json`;
}
