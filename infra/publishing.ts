import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ARTICLE_PK_PREFIX, TABLE } from '../shared/contract/table.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { FeedpubFunction } from './feedpub-function.ts';

export interface PublishingProps {
  readonly site: IBucket;
  readonly table: ITable;
  readonly siteEnvironment: Record<string, string>;
}

export const RELEASE_EVERY = Duration.minutes(5);

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
      timeout: Duration.seconds(120),
      memorySize: 1024,
      environment: props.siteEnvironment,
    })
      .readsTable(props.table)
      .publishesSite(props.site);
    this.publish.addEventSource(
      new DynamoEventSource(props.table, {
        // Not LATEST: writes made between table creation and this mapping still publish.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 500,
        // Short enough that one upload is in the feeds within a couple of seconds, long
        // enough that a burst of uploads renders each feed a few times, not once per article.
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        retryAttempts: 10,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [
          FilterCriteria.filter({
            dynamodb: {
              Keys: { [TABLE.partitionKey.name]: { S: FilterRule.beginsWith(ARTICLE_PK_PREFIX) } },
            },
          }),
        ],
      }),
    );

    this.release = new FeedpubFunction(this, 'Release', {
      name: 'release',
      description: 'Releases scheduled articles whose date has come',
      timeout: Duration.seconds(60),
      environment: {},
    })
      // Release only flips articles live; publish, driven by the stream, owns the site.
      .writesTable(props.table);
    new Rule(this, 'ReleaseSchedule', {
      description: 'Releases scheduled feedpub articles',
      schedule: Schedule.rate(RELEASE_EVERY),
      targets: [new LambdaFunction(this.release, { retryAttempts: 2 })],
    });
  }
}
