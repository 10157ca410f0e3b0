import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { IngestOutcome } from '../../shared/ingest/outcome.ts';
import { createIngestHandler } from '../../shared/lambda/ingest-handler.ts';
import type { EmbeddedAws } from '../../shared/local/embedded-aws.ts';
import { encodeKeyLikeS3 } from '../../shared/local/s3-notifications.ts';
import { ParsePool } from '../../shared/parsing/parse-pool.ts';
import type { ArticleParser } from '../../shared/ports/article-parser.ts';
import type { Inbox } from '../../shared/ports/inbox.ts';
import { DynamoArticleTable } from '../../shared/stores/article-table.ts';
import { S3Inbox } from '../../shared/stores/inbox-bucket.ts';
import { S3SiteMedia } from '../../shared/stores/site-media.ts';
import { testAws } from './aws.ts';
import { memoryIngestDeps } from './fakes/inbox.ts';
import { TEST_SITE } from './pipeline.ts';
import { bucketHelpers } from './site.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

export const quiet = () => ({
  logger: new Logger({ serviceName: 'test', logLevel: process.env.TEST_LOG ? 'DEBUG' : 'SILENT' }),
  metrics: new Metrics({ namespace: 'test' }),
});

/** The ingest Lambda's handler on the in-memory table and inbox (memoryIngestDeps), quiet. */
export function memoryIngestHandler() {
  const { store, inbox, deps } = memoryIngestDeps();
  const outcomes: IngestOutcome[] = [];
  const handler = createIngestHandler(
    { ...deps, deadLetters: { park: async () => {} } },
    { ...quiet(), onOutcome: (outcome) => outcomes.push(outcome) },
  );
  return { store, inbox, handler, outcomes };
}

/** An S3 event notification for one object, shaped and encoded as S3 sends it. */
export function s3Notification(
  kind: 'created' | 'removed',
  bucket: string,
  key: string,
  sequencer: string,
  eventTime = '2026-01-05T10:00:00.000Z',
) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    eventTime,
    eventName: kind === 'created' ? 'ObjectCreated:Put' : 'ObjectRemoved:DeleteMarkerCreated',
    s3: { bucket: { name: bucket }, object: { key: encodeKeyLikeS3(key), sequencer, size: 1 } },
  };
}

let messageCount = 0;
export function sqsRecord(body: unknown): SQSRecord {
  messageCount += 1;
  return {
    messageId: `m-${messageCount}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  } as SQSRecord;
}

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

/** Parsing as the Lambda parses: in worker threads (idle ones never hold the test process). */
const parsing = new ParsePool();

/**
 * The ingest handler on an s3rver of this test's own and a table of its own. Faults an
 * emulator cannot produce: `unreadable` keys fail every read, `parkFails` fails parking.
 */
export async function ingestHarness(
  options: {
    now?: () => Date;
    unreadable?: string[];
    parkFails?: boolean;
    parse?: ArticleParser;
  } = {},
) {
  const aws: EmbeddedAws = await testAws();
  const table = new DynamoArticleTable({ client: aws.dynamo, tableName: aws.names.table });
  const outcomes: IngestOutcome[] = [];
  const parked: { body: string; reason: string }[] = [];
  const handler = createIngestHandler(
    {
      store: table,
      inbox: withUnreadable(
        new S3Inbox({ client: aws.s3, bucket: aws.names.inboxBucket }),
        options.unreadable ?? [],
      ),
      media: new S3SiteMedia({
        client: aws.s3,
        inboxBucket: aws.names.inboxBucket,
        siteBucket: aws.names.siteBucket,
      }),
      siteUrl: TEST_SITE.url,
      parse: options.parse ?? parsing.parse,
      now: options.now ?? (() => new Date('2026-06-01T00:00:00.000Z')),
      deadLetters: {
        park: async (body, reason) => {
          if (options.parkFails) throw new Error('injected: the dead-letter queue is unavailable');
          parked.push({ body, reason });
        },
      },
    },
    { ...quiet(), onOutcome: (o) => outcomes.push(o) },
  );
  const inbox = bucketHelpers(aws.s3, aws.names.inboxBucket);
  const event = (kind: 'created' | 'removed', key: string, sequencer: string, eventTime?: string) =>
    sqsRecord({
      Records: [s3Notification(kind, aws.names.inboxBucket, key, sequencer, eventTime)],
    });
  /** An event as a versioned bucket sends it: any event name, with a version id. */
  const versionEvent = (eventName: string, key: string, sequencer: string, versionId: string) => {
    const notification = s3Notification('created', aws.names.inboxBucket, key, sequencer);
    return sqsRecord({
      Records: [
        {
          ...notification,
          eventName,
          s3: { ...notification.s3, object: { ...notification.s3.object, versionId } },
        },
      ],
    });
  };
  /** Every item in the table, keyed `pk|sk` (tests may Scan; the product never does). */
  const dump = async () => {
    const out = await aws.dynamo.send(
      new ScanCommand({ TableName: aws.names.table, ConsistentRead: true }),
    );
    const items = (out.Items ?? []).map((i) => unmarshall(i));
    return Object.fromEntries(items.map((i) => [`${i.pk}|${i.sk}`, i]));
  };
  return {
    aws,
    table,
    handler,
    outcomes,
    parked,
    inbox,
    event,
    versionEvent,
    dump,
    stop: () => aws.stop(),
  };
}

function withUnreadable(inbox: Inbox, keys: readonly string[]): Inbox {
  return {
    read: async (key, versionId) => {
      if (keys.includes(key)) throw new Error(`injected: ${key} cannot be read`);
      return inbox.read(key, versionId);
    },
    writeReport: (report) => inbox.writeReport(report),
    writeFirstReport: (report) => inbox.writeFirstReport(report),
    inspect: (key, versionId, headBytes) => {
      if (keys.includes(key)) throw new Error(`injected: ${key} cannot be read`);
      return inbox.inspect(key, versionId, headBytes);
    },
  };
}
