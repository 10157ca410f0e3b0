import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { RepublishEvent, RepublishSummary } from '../../contract/event-sources.ts';
import type { EmbeddedAws } from '../../local/embedded-aws.ts';
import type { LocalQueue } from '../../local/local-queue.ts';
import type { PublishHandler } from '../../local/pipeline.ts';
import type { Operations, PublishDeadLetter, QueueDepth } from './operations.ts';
import { StackData } from './stack-data.ts';

/** The local runtime's queues and publish handler (a Pipeline, or what a test wires). */
export interface LocalRuntime {
  queue: LocalQueue;
  publishDeadLetters: { body: string }[];
  publish: PublishHandler;
  /** The hub-notice queue, when the runtime notifies hubs. */
  hubNotices?: LocalQueue;
}

/**
 * The operations port on the embedded AWS and the local pipeline, in this process. The table
 * and bucket reads are StackData's, shared with the deployed adapter.
 */
export class LocalOperations extends StackData implements Operations {
  constructor(
    aws: EmbeddedAws,
    private readonly runtime: LocalRuntime,
    readonly target: string,
    private readonly now: () => number = Date.now,
  ) {
    super({
      dynamo: aws.dynamo,
      streams: aws.streams,
      s3: aws.s3,
      tableName: aws.names.table,
      inboxBucket: aws.names.inboxBucket,
      siteBucket: aws.names.siteBucket,
    });
  }

  async queues(): Promise<QueueDepth[]> {
    const age = (sentAt: number | undefined) =>
      sentAt === undefined ? undefined : Math.max(0, Math.floor((this.now() - sentAt) / 1000));
    const { waiting, inFlight, oldestSentAt } = this.runtime.queue.stats;
    const dead = this.runtime.queue.deadLetters;
    const oldest = (letters: readonly { sentAt: number }[]) =>
      age(letters.length > 0 ? Math.min(...letters.map((d) => d.sentAt)) : undefined);
    const notices = this.runtime.hubNotices?.deadLetters ?? [];
    return [
      { role: 'ingest', waiting, inFlight, oldestAgeSeconds: age(oldestSentAt) },
      {
        role: 'ingest-dlq',
        waiting: dead.length,
        inFlight: 0,
        oldestAgeSeconds: oldest(dead),
      },
      // The local on-failure list keeps no times.
      { role: 'publish-dlq', waiting: this.runtime.publishDeadLetters.length, inFlight: 0 },
      {
        role: 'hub-notice-dlq',
        waiting: notices.length,
        inFlight: 0,
        oldestAgeSeconds: oldest(notices),
      },
    ];
  }

  async redriveIngest(dryRun: boolean): Promise<number> {
    const { queue } = this.runtime;
    if (dryRun) return queue.deadLetters.length;
    const moved = queue.deadLetters.splice(0);
    for (const letter of moved) queue.send(letter.body);
    return moved.length;
  }

  async receivePublishDeadLetters(): Promise<PublishDeadLetter[]> {
    return this.runtime.publishDeadLetters.map((letter, index) => ({
      handle: String(index),
      body: letter.body,
    }));
  }

  async deletePublishDeadLetters(letters: readonly PublishDeadLetter[]): Promise<void> {
    const gone = new Set(letters.map((l) => l.body));
    const kept = this.runtime.publishDeadLetters.filter((l) => !gone.has(l.body));
    this.runtime.publishDeadLetters.splice(0, Infinity, ...kept);
  }

  async republish(event: RepublishEvent): Promise<RepublishSummary> {
    // The local runtime's handler type names stream batches only (what the mapping and test
    // wrappers handle); the real publish handler behind it takes a RepublishEvent too, and
    // answers it with a RepublishSummary.
    const answer = await this.runtime.publish(event as unknown as DynamoDBStreamEvent);
    return answer as unknown as RepublishSummary;
  }

  async close(): Promise<void> {}
}
