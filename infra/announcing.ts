import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ANNOUNCE_EVENTS } from '../shared/contract/event-sources.ts';
import { FeedpubFunction } from './feedpub-function.ts';
import { deadLetterQueue, eventQueue } from './queues.ts';

export interface AnnouncingProps {
  /** SITE_WEBSUB_HUBS and friends: announce reads the hubs from the site settings. */
  readonly siteEnvironment: Record<string, string>;
}

/**
 * publish → hub-notice queue (each message delayed ANNOUNCE_EVENTS.delaySeconds) → announce →
 * the site's WebSub hubs. The wait for the edge is the queue's, so publish's stream lanes
 * never hold for it; a hub that refuses gets the notice again after the visibility timeout,
 * and a notice refused on every receive waits in the dead-letter queue (an alarm).
 */
export class Announcing extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly announce: FeedpubFunction;

  constructor(scope: Construct, id: string, props: AnnouncingProps) {
    super(scope, id);

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetters', 'the hub-notice queue');
    this.queue = eventQueue(this, 'HubNotices', {
      events: ANNOUNCE_EVENTS,
      deadLetters: this.deadLetterQueue,
      maxReceives: ANNOUNCE_EVENTS.maxReceives,
      // A notice older than a day names feeds every hub has long fetched on its own.
      retentionPeriod: Duration.days(1),
    });

    this.announce = new FeedpubFunction(this, 'Announce', {
      name: 'announce',
      description: "Tells the site's WebSub hubs which feeds changed",
      timeout: Duration.seconds(ANNOUNCE_EVENTS.timeoutSeconds),
      memorySize: ANNOUNCE_EVENTS.memoryMb,
      // No table, no bucket: the notices name the feeds, the settings name the hubs.
      environment: props.siteEnvironment,
    });
    this.announce.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: ANNOUNCE_EVENTS.batchSize,
        maxBatchingWindow: Duration.seconds(ANNOUNCE_EVENTS.maxBatchingWindowSeconds),
        maxConcurrency: ANNOUNCE_EVENTS.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }
}
