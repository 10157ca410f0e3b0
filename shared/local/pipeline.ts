import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type {
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import type { SiteConfig } from '../config/site.ts';
import { PUBLISH_EVENTS, PUBLISH_SITE_EVENT, SCHEDULES } from '../contract/event-sources.ts';
import { INBOX_PREFIX } from '../contract/inbox.ts';
import type { IngestOutcome } from '../ingest/outcome.ts';
import { createIngestHandler } from '../lambda/ingest-handler.ts';
import { createPublishHandler } from '../lambda/publish-handler.ts';
import { ParsePool } from '../parsing/parse-pool.ts';
import type { HubNotifier } from '../ports/hub-notifier.ts';
import { type PublishResult, publishSite } from '../publish/publish-changes.ts';
import { type RepublishResult, republishIfSettingsChanged } from '../publish/republish.ts';
import { releaseDue } from '../release/release-due.ts';
import { DynamoArticleTable } from '../stores/article-table.ts';
import { S3Inbox } from '../stores/inbox-bucket.ts';
import { DynamoRenderLedger } from '../stores/render-ledger.ts';
import { S3SiteBucket } from '../stores/site-bucket.ts';
import { S3SiteMedia } from '../stores/site-media.ts';
import type { EmbeddedAws } from './embedded-aws.ts';
import {
  executionEnvironments,
  functionArn,
  type LambdaTimeoutError,
  LOCAL_FUNCTIONS,
} from './execution-environments.ts';
import { hubNoticeQueue, LocalHubNotices } from './hub-notice-queue.ts';
import { LocalQueue } from './local-queue.ts';
import { toS3EventRecord } from './s3-notifications.ts';
import { StreamMapping } from './stream-mapping.ts';

/**
 * The whole pipeline on the embedded AWS, wired as on AWS: S3 notifications for `articles/`
 * → queue → the real ingest handler → table → stream → the real publish handler → site
 * bucket (and, with a notifier, → hub-notice queue → the real announce handler → the hubs),
 * plus the release schedule on a timer. The event-source mappings run with the deployed
 * settings (shared/contract/event-sources.ts): several ingest and publish invocations at once,
 * batching windows, message delays, retries, bisection, dead letters, so what AWS does to the
 * handlers, `npm start`, `feedpub build`, the tests and the benchmarks do too. Time is
 * compressed in one place only: a failed queue message comes back after LOCAL_RETRY_DELAY_MS,
 * not after the queue's visibility timeout.
 */

export type IngestHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;
export type PublishHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

export interface PipelineOptions {
  aws: EmbeddedAws;
  site: SiteConfig;
  /**
   * How often scheduled articles are released (default: SCHEDULES.releaseEveryMinutes, as
   * deployed; the site frame every SCHEDULES.siteFrameEveryMinutes); 0 disables both timers.
   */
  releaseIntervalMs?: number;
  onIngest?: (outcome: IngestOutcome) => void;
  onPublish?: (result: PublishResult) => void;
  onStreamFailure?: (records: DynamoDBRecord[], error: unknown) => void;
  /** Called after each run of the release schedule that released or withdrew an article. */
  onRelease?: (due: { released: string[]; expired: string[] }) => void;
  /**
   * Wraps or replaces the real publish handler: the benchmark runs its naive publisher here,
   * tests run each invocation in a context of their own (faults per invocation).
   */
  publishHandler?: (real: PublishHandler) => PublishHandler;
  /** Wraps or replaces the real ingest handler: a benchmark counts concurrent invocations. */
  ingestHandler?: (real: IngestHandler) => IngestHandler;
  /**
   * Tells the site's hubs (site.hubs) of each batch's changed feeds, as the deployed stack
   * does: publish queues a notice, announce sends it once the edge serves the feeds.
   * `feedpub dev` passes one; `feedpub build` none (its files are not served yet).
   */
  notifier?: HubNotifier;
  now?: () => Date;
  /**
   * Each function's time limit in ms (default: its deployed timeout, LOCAL_FUNCTIONS): tests
   * compress time here to see an invocation time out.
   */
  timeoutsMs?: Partial<Record<keyof typeof LOCAL_FUNCTIONS, number>>;
  /** Told of every invocation that outlived its function's timeout. */
  onTimeout?: (error: LambdaTimeoutError) => void;
}

/** What Lambda's SQS on-failure destination sends for a stream batch (its DDBStreamBatchInfo). */
export interface StreamBatchFailure {
  requestContext: { condition: string; functionArn: string };
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    batchSize: number;
    streamArn: string;
  };
}

export interface Pipeline {
  queue: LocalQueue;
  /** The hub-notice queue (with a notifier): notices waiting, and its dead letters. */
  hubNotices?: LocalQueue;
  /** The publish mapping's on-failure destination: batches given up, as Lambda describes them. */
  publishDeadLetters: { body: string }[];
  /** The publish handler as the mapping invokes it (an operator's events go here too). */
  publish: PublishHandler;
  /** Resolves when every upload so far has been ingested and published (and announced). */
  settle(): Promise<void>;
  /** Runs the release schedule once now. */
  release(): Promise<string[]>;
  /** Renders the site feed and the listings from the table as it is (publishSite). */
  publishSite(): Promise<PublishResult>;
  /**
   * What the deployed tick does after the site frame: every file again when the settings
   * changed since the site was last rendered whole (undefined: they did not).
   */
  republishIfSettingsChanged(): Promise<RepublishResult | undefined>;
  stop(): Promise<void>;
}

function quietObservability() {
  // Metrics go to CloudWatch through the log; locally they would only be noise (on stdout, in
  // what an operator command prints).
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  return {
    logger: new Logger({
      serviceName: 'feedpub-local',
      logLevel: process.env.FEEDPUB_LOG_LEVEL === 'debug' ? 'DEBUG' : 'SILENT',
    }),
    metrics: new Metrics({ namespace: 'feedpub', serviceName: 'feedpub-local' }),
  };
}

function publishDepsOf(aws: EmbeddedAws, site: SiteConfig) {
  return {
    feeds: new DynamoArticleTable({ client: aws.dynamo, tableName: aws.names.table }),
    ledger: new DynamoRenderLedger({ client: aws.dynamo, tableName: aws.names.table }),
    bucket: new S3SiteBucket({ client: aws.s3, bucket: aws.names.siteBucket }),
    config: site,
  };
}

/** The real publish handler on the embedded AWS, without the stream: for operator commands. */
export function localPublishHandler(aws: EmbeddedAws, site: SiteConfig): PublishHandler {
  return createPublishHandler(publishDepsOf(aws, site), quietObservability());
}

export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const { aws, site } = options;
  const now = options.now ?? (() => new Date());
  const table = new DynamoArticleTable({ client: aws.dynamo, tableName: aws.names.table });
  // Uploads are parsed as the Lambda parses them: in worker threads, with a budget.
  const parsing = new ParsePool();
  const ingest = createIngestHandler(
    {
      store: table,
      parse: parsing.parse,
      inbox: new S3Inbox({ client: aws.s3, bucket: aws.names.inboxBucket }),
      media: new S3SiteMedia({
        client: aws.s3,
        inboxBucket: aws.names.inboxBucket,
        siteBucket: aws.names.siteBucket,
      }),
      siteUrl: site.url,
      now,
      // The queue is built just below; nothing is parked before it exists.
      deadLetters: { park: (body, reason) => queue.park(body, reason) },
    },
    { ...quietObservability(), onOutcome: options.onIngest },
  );
  const publishDeps = publishDepsOf(aws, site);
  const limits = (fn: keyof typeof LOCAL_FUNCTIONS) => ({
    timeoutMs: options.timeoutsMs?.[fn],
    onTimeout: options.onTimeout,
  });
  const notices =
    options.notifier &&
    new LocalHubNotices(
      hubNoticeQueue({
        notifier: options.notifier,
        hubs: site.hubs ?? [],
        observability: quietObservability(),
        ...limits('announce'),
      }),
    );
  // Each concurrent batch in an environment of its own, with its own adapters and caches.
  const publish = executionEnvironments(
    () =>
      createPublishHandler(
        { ...publishDepsOf(aws, site), notices },
        { ...quietObservability(), onPublished: options.onPublish },
      ),
    LOCAL_FUNCTIONS.publish,
    limits('publish'),
  );
  // Ingest's environments share one handler, and so its parse pool: a pool of workers per
  // environment, as on AWS, would be fifty on two cores. An invocation's time here includes
  // waiting for the others' parses, so it is ended at its timeout times the environments the
  // pool serves: a bulk import of large files must not time out here where each invocation
  // would have workers of its own on AWS. Its context still counts down from its timeout.
  const ingesting = executionEnvironments(() => ingest, LOCAL_FUNCTIONS.ingest, {
    ...limits('ingest'),
    endsAfterTimeouts: LOCAL_FUNCTIONS.ingest.maxConcurrency,
  });

  const queue = new LocalQueue({
    handler: options.ingestHandler ? options.ingestHandler(ingesting) : ingesting,
  });
  const publishDeadLetters: { body: string }[] = [];
  const publishing = options.publishHandler ? options.publishHandler(publish) : publish;
  const stream = new StreamMapping({
    dynamo: aws.dynamo,
    streams: aws.streams,
    tableName: aws.names.table,
    handler: publishing,
    onFailure: (records, error, shardId) => {
      const failure = shardId ? streamBatchFailure(records, shardId) : undefined;
      if (failure) publishDeadLetters.push({ body: JSON.stringify(failure) });
      options.onStreamFailure?.(records, error);
    },
    partitionKeyPrefix: PUBLISH_EVENTS.partitionKeyPrefix,
  });
  await stream.start();
  const unsubscribe = aws.onS3Event((record) => {
    if (
      record.s3.bucket.name !== aws.names.inboxBucket ||
      !record.s3.object.key.startsWith(INBOX_PREFIX.articles)
    )
      return;
    queue.send(JSON.stringify({ Records: [toS3EventRecord(record)] }));
  });
  const release = async () => {
    const { released, expired } = await releaseDue({ store: table, now });
    if (released.length + expired.length > 0) options.onRelease?.({ released, expired });
    return [...released, ...expired];
  };
  // The deployed schedules: release, and the site's periodic render (withdrawals whose
  // announcement window is over leave their feeds), each on its own rule and interval.
  const interval = options.releaseIntervalMs ?? SCHEDULES.releaseEveryMinutes * 60_000;
  const every = (ms: number, run: () => Promise<unknown>) =>
    interval > 0 ? setInterval(() => void run().catch(() => {}), ms) : undefined;
  const timers = [
    every(interval, release),
    every((interval * SCHEDULES.siteFrameEveryMinutes) / SCHEDULES.releaseEveryMinutes, async () =>
      publish(PUBLISH_SITE_EVENT),
    ),
  ];

  return {
    queue,
    hubNotices: notices?.queue,
    publishDeadLetters,
    publish: publishing,
    release,
    publishSite: () => publishSite(publishDeps),
    republishIfSettingsChanged: () => republishIfSettingsChanged(publishDeps),
    settle: async () => {
      do {
        await queue.idle();
        await stream.idle();
        await notices?.queue.idle();
      } while (queue.depth > 0 || (notices?.queue.depth ?? 0) > 0);
    },
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      unsubscribe();
      queue.stop();
      notices?.queue.stop();
      await stream.stop();
      await parsing.close();
    },
  };
}

function streamBatchFailure(
  records: DynamoDBRecord[],
  shardId: string,
): StreamBatchFailure | undefined {
  const first = records[0];
  const last = records.at(-1);
  if (!first?.dynamodb?.SequenceNumber || !last?.dynamodb?.SequenceNumber) return undefined;
  return {
    requestContext: {
      condition: 'RetryAttemptsExhausted',
      functionArn: functionArn(LOCAL_FUNCTIONS.publish),
    },
    DDBStreamBatchInfo: {
      shardId,
      startSequenceNumber: first.dynamodb.SequenceNumber,
      endSequenceNumber: last.dynamodb.SequenceNumber,
      batchSize: records.length,
      streamArn: first.eventSourceARN ?? '',
    },
  };
}
