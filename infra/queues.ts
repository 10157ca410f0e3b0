import { Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** An encrypted, TLS-only queue that keeps failed events for two weeks, for a replay. */
export function deadLetterQueue(scope: Construct, id: string, whose: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This is the dead-letter queue of ${whose}; it is the end of the line.`,
  });
  return queue;
}

/**
 * An encrypted, TLS-only queue a function reads through an SQS event-source mapping (`events`,
 * from shared/contract/event-sources.ts): the visibility timeout Lambda's guidance asks for (six
 * times the function's timeout plus the batching window, so a message is not handed out again
 * while an invocation may still be working on it), then `deadLetters` after `maxReceives`.
 */
export function eventQueue(
  scope: Construct,
  id: string,
  props: {
    events: { timeoutSeconds: number; maxBatchingWindowSeconds: number };
    deadLetters: Queue;
    maxReceives: number;
    retentionPeriod?: Duration;
  },
): Queue {
  const { events } = props;
  return new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(
      6 * events.timeoutSeconds + events.maxBatchingWindowSeconds,
    ),
    ...(props.retentionPeriod ? { retentionPeriod: props.retentionPeriod } : {}),
    deadLetterQueue: { queue: props.deadLetters, maxReceiveCount: props.maxReceives },
  });
}
