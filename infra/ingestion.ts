import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Bucket, EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INGEST_EVENTS } from '../shared/contract/event-sources.ts';
import { INBOX_PREFIX, INGEST_MAX_RECEIVES } from '../shared/contract/inbox.ts';
import { FeedpubFunction } from './feedpub-function.ts';
import { BASIC_EXECUTION_ROLE_FINDING } from './nag.ts';
import { deadLetterQueue, eventQueue } from './queues.ts';

export interface IngestionProps {
  readonly inbox: IBucket;
  readonly table: ITable;
  /** The site bucket: ingest copies media uploads into its `media/` folder. */
  readonly site: IBucket;
  /** SITE_URL and friends: ingest makes relative URLs absolute. */
  readonly siteEnvironment: Record<string, string>;
}

/** Inbox object events → queue (+ DLQ) → ingest → table, reports back into the inbox. */
export class Ingestion extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly ingest: FeedpubFunction;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetters', 'the inbox event queue');

    this.queue = eventQueue(this, 'Events', {
      events: INGEST_EVENTS,
      deadLetters: this.deadLetterQueue,
      maxReceives: INGEST_MAX_RECEIVES,
    });

    // A reference owned by this stack, so the notification custom resource lives here and
    // the data stack never depends on the queue (it merges with, not replaces, other config).
    const inbox = Bucket.fromBucketAttributes(this, 'Inbox', {
      bucketArn: props.inbox.bucketArn,
      bucketName: props.inbox.bucketName,
    });
    const articlesOnly = { prefix: INBOX_PREFIX.articles };
    inbox.addEventNotification(
      EventType.OBJECT_CREATED,
      new SqsDestination(this.queue),
      articlesOnly,
    );
    inbox.addEventNotification(
      EventType.OBJECT_REMOVED,
      new SqsDestination(this.queue),
      articlesOnly,
    );
    acknowledgeNotificationsHandler(Stack.of(this));
    // CDK's grant names the bucket (aws:SourceArn); AWS asks for the account too, so S3 sends
    // here on behalf of this account's bucket only (a bucket name can change hands).
    this.queue.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyThisAccountsBucketNotifies',
        effect: Effect.DENY,
        principals: [new ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: { StringNotEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );

    this.ingest = new FeedpubFunction(this, 'Ingest', {
      name: 'ingest',
      description:
        'Turns an uploaded article into table records, a media upload into a site file, or a rejection report',
      timeout: Duration.seconds(INGEST_EVENTS.timeoutSeconds),
      memorySize: INGEST_EVENTS.memoryMb,
      environment: props.siteEnvironment,
    })
      .readsInbox(props.inbox)
      .writesReports(props.inbox)
      .writesTable(props.table)
      .publishesMedia(props.site)
      .parksIn(this.deadLetterQueue);
    // Blast radius: maxConcurrency bounds ingest (and its write rate on the table), not reserved
    // concurrency. Reserved concurrency would make Lambda throttle the poller's invocations, and
    // a throttled batch goes back to the queue with a receive counted toward INGEST_MAX_RECEIVES:
    // a bulk import would push good uploads into the DLQ. With maxConcurrency the poller waits.
    this.ingest.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: INGEST_EVENTS.batchSize,
        maxBatchingWindow: Duration.seconds(INGEST_EVENTS.maxBatchingWindowSeconds),
        maxConcurrency: INGEST_EVENTS.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }
}

/** CDK's own deploy-time handler that writes the bucket notification configuration. */
function acknowledgeNotificationsHandler(stack: Stack): void {
  const handler = stack.node.children.find((c) =>
    c.node.id.startsWith('BucketNotificationsHandler'),
  );
  if (!handler)
    throw new Error('CDK created no BucketNotificationsHandler; revisit this acknowledgement');
  Validations.of(handler).acknowledge({
    id: BASIC_EXECUTION_ROLE_FINDING,
    reason:
      "CDK's bucket-notification custom resource runs only at deploy time; the managed policy only lets it write its own logs.",
  });
}
