import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { SiteConfig } from '../shared/config/site.ts';
import type { IngestOutcome } from '../shared/ingest/report.ts';
import { createIngestHandler } from '../shared/ingest/sqs-handler.ts';
import type { EmbeddedAws } from '../shared/local/embedded-aws.ts';
import { LocalQueue } from '../shared/local/local-queue.ts';
import { toS3EventRecord } from '../shared/local/s3-notifications.ts';
import { StreamPoller } from '../shared/local/stream-poller.ts';
import { DynamoArticleTable } from '../shared/stores/article-table.ts';
import { S3Inbox } from '../shared/stores/inbox-bucket.ts';
import { INBOX_PREFIX } from '../shared/stores/table-definition.ts';

/**
 * Our real ingest, wired exactly as shared/local/pipeline.ts wires it (S3 notification →
 * queue → ingest handler → table), with the table's stream going to a publisher of the
 * caller's choosing instead of ours.
 */
export async function startIngestWith(
  aws: EmbeddedAws,
  site: SiteConfig,
  publish: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>,
  onIngest?: (outcome: IngestOutcome) => void,
) {
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const quiet = () => ({
    logger: new Logger({ serviceName: 'feedpub-bench', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: 'feedpub', serviceName: 'feedpub-bench' }),
  });
  const table = new DynamoArticleTable({ client: aws.dynamo, tableName: aws.names.table });
  const inbox = new S3Inbox({ client: aws.s3, bucket: aws.names.inboxBucket });
  const ingest = createIngestHandler(
    { store: table, inbox, siteUrl: site.url, now: () => new Date() },
    { ...quiet(), onOutcome: onIngest },
  );
  const queue = new LocalQueue({ handler: ingest });
  const poller = new StreamPoller({
    dynamo: aws.dynamo,
    streams: aws.streams,
    tableName: aws.names.table,
    handler: publish,
  });
  await poller.start();
  const unsubscribe = aws.onS3Event((record) => {
    if (
      record.s3.bucket.name !== aws.names.inboxBucket ||
      !record.s3.object.key.startsWith(INBOX_PREFIX.articles)
    )
      return;
    queue.send(JSON.stringify({ Records: [toS3EventRecord(record)] }));
  });
  return {
    table,
    settle: async () => {
      do {
        await queue.idle();
        await poller.idle();
      } while (queue.depth > 0);
    },
    stop: async () => {
      unsubscribe();
      queue.stop();
      await poller.stop();
    },
  };
}
