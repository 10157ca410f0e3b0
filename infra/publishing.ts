import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PUBLISH_EVENTS, PUBLISH_SITE_EVENT, SCHEDULES } from '../shared/contract/event-sources.ts';
import { TABLE } from '../shared/contract/table.ts';
import { FeedpubFunction } from './feedpub-function.ts';
import { deadLetterQueue } from './queues.ts';

export interface PublishingProps {
  readonly site: IBucket;
  readonly table: ITable;
  readonly siteEnvironment: Record<string, string>;
  /** Where publish queues each batch's WebSub notice (infra/announcing.ts). */
  readonly hubNotices: IQueue;
}

export const RELEASE_EVERY = Duration.minutes(SCHEDULES.releaseEveryMinutes);
export const SITE_FRAME_EVERY = Duration.minutes(SCHEDULES.siteFrameEveryMinutes);

/** Table stream → publish → site bucket; a schedule → release → table. */
export class Publishing extends Construct {
  public readonly publish: FeedpubFunction;
  public readonly release: FeedpubFunction;
  /** Stream batches that still fail after every retry land here (as pointers, not records). */
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: PublishingProps) {
    super(scope, id);

    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetters',
      'the table stream mapping (its on-failure destination)',
    );

    this.publish = new FeedpubFunction(this, 'Publish', {
      name: 'publish',
      description: 'Renders the feeds and pages that changed articles belong to',
      timeout: Duration.seconds(PUBLISH_EVENTS.timeoutSeconds),
      memorySize: PUBLISH_EVENTS.memoryMb,
      // No reserved concurrency: the stream already bounds publish at (open shards) ×
      // parallelizationFactor batches at once, and a reservation would hold that much account
      // concurrency idle between bursts. More shards come with more table partitions: a warm
      // throughput (tableWarmWrites) raises this bound too.
      environment: props.siteEnvironment,
    })
      .keepsRenderLedger(props.table)
      .publishesSite(props.site)
      .queuesHubNotices(props.hubNotices);
    this.publish.addEventSource(
      new DynamoEventSource(props.table, {
        // Not LATEST: writes made between table creation and this mapping still publish.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: PUBLISH_EVENTS.batchSize,
        maxBatchingWindow: Duration.seconds(PUBLISH_EVENTS.maxBatchingWindowSeconds),
        parallelizationFactor: PUBLISH_EVENTS.parallelizationFactor,
        bisectBatchOnError: PUBLISH_EVENTS.bisectBatchOnError,
        reportBatchItemFailures: true,
        retryAttempts: PUBLISH_EVENTS.retryAttempts,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          FilterCriteria.filter({
            dynamodb: {
              Keys: {
                [TABLE.partitionKey.name]: {
                  S: FilterRule.beginsWith(PUBLISH_EVENTS.partitionKeyPrefix),
                },
              },
            },
          }),
        ],
      }),
    );

    this.release = new FeedpubFunction(this, 'Release', {
      name: 'release',
      description: 'Releases scheduled articles whose date has come',
      // Under the tick, so a run is over before the next one starts.
      timeout: Duration.seconds(45),
      // One run per schedule tick, done well inside it. No reservation: two runs that overlap
      // (an EventBridge retry) are harmless, each release a conditional write that the other
      // run's makes stale, and a reservation fails the deploy on an account whose quota is
      // still the new-account 10 ("below its minimum value of [10]").
      environment: {},
    })
      // Release only flips articles live; publish, driven by the stream, owns the site.
      .writesTable(props.table);
    new Rule(this, 'ReleaseSchedule', {
      description: 'Releases scheduled feedpub articles',
      schedule: Schedule.rate(RELEASE_EVERY),
      targets: [new LambdaFunction(this.release, { retryAttempts: 2 })],
    });
    new Rule(this, 'SiteFrameSchedule', {
      description: 'Renders the feedpub site frame (site feed, index, listings) from the table',
      schedule: Schedule.rate(SITE_FRAME_EVERY),
      targets: [
        // A fresh deploy answers `/` and `/rss.xml` within minutes, not at the first article;
        // idempotent otherwise.
        new LambdaFunction(this.publish, {
          retryAttempts: 2,
          event: RuleTargetInput.fromObject(PUBLISH_SITE_EVENT),
        }),
      ],
    });
  }
}
