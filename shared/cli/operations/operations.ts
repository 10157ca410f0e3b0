import type { RepublishEvent, RepublishSummary } from '../../contract/event-sources.ts';
import type { IngestReport } from '../../contract/inbox.ts';

/**
 * The operations port: what `feedpub status`, `reports`, `redrive` and `republish` need of a
 * running feedpub, deployed (DeployedOperations: CloudFormation outputs and the caller's
 * credentials) or local (LocalOperations: the embedded AWS on a data folder).
 */

/** Every status an article item has: deleted and moved ones are what stays of a file gone or moved. */
export const ARTICLE_STATUSES = [
  'live',
  'scheduled',
  'draft',
  'withdrawn',
  'held',
  'deleted',
  'moved',
] as const;
export type CountedStatus = (typeof ARTICLE_STATUSES)[number];

export interface ArticleCounts {
  counts: Record<CountedStatus, number>;
  /** Article items read; the scan stopped at the cap when `complete` is false. */
  scanned: number;
  complete: boolean;
}

export interface StoredReport extends IngestReport {
  /** When the report was written (the object's LastModified). */
  written: Date;
}

export interface ReportList {
  /** Newest first. */
  reports: StoredReport[];
  /** Reports in the inbox; only the newest `reports.length` were read. */
  total: number;
}

export type QueueRole = 'ingest' | 'ingest-dlq' | 'publish-dlq' | 'hub-notice-dlq';

export interface QueueDepth {
  role: QueueRole;
  /** Messages waiting (SQS ApproximateNumberOfMessages). */
  waiting: number;
  /** Messages received and not yet deleted (ApproximateNumberOfMessagesNotVisible). */
  inFlight: number;
  /** Age of the oldest message, in seconds; undefined when unknown. */
  oldestAgeSeconds?: number;
}

/** One publish dead letter: a stream batch Lambda gave up on (a pointer, not the records). */
export interface PublishDeadLetter {
  /** Deletes it from the queue (SQS receipt handle; locally its index). */
  handle: string;
  body: string;
}

export interface Operations {
  /** Where the commands run: the stack name, or the data folder. */
  readonly target: string;
  countArticles(limit: number): Promise<ArticleCounts>;
  listReports(limit: number): Promise<ReportList>;
  /** The newest LastModified of the site's home page, site-wide feeds and sitemap index. */
  lastPublish(): Promise<Date | undefined>;
  queues(): Promise<QueueDepth[]>;
  /** Moves the ingest DLQ's messages back to the ingest queue; returns how many (or will). */
  redriveIngest(dryRun: boolean): Promise<number>;
  receivePublishDeadLetters(): Promise<PublishDeadLetter[]>;
  deletePublishDeadLetters(letters: readonly PublishDeadLetter[]): Promise<void>;
  /** Article ids changed in a stream range, or undefined when the records have expired. */
  idsInStreamRange(range: StreamRange): Promise<string[] | undefined>;
  /** Sends the event to the publish function and waits for its answer; throws when it failed. */
  republish(event: RepublishEvent): Promise<RepublishSummary>;
  close(): Promise<void>;
}

/** What a DynamoDB-stream on-failure record names (DDBStreamBatchInfo). */
export interface StreamRange {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
}
