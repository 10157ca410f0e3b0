import type { SQSClientConfig } from '@aws-sdk/client-sqs';
import type { DeadLetters } from '../ports/dead-letters.ts';
import { LazySqs } from './lazy-sqs.ts';

/**
 * The ingest dead-letter queue, written directly: the message keeps its body, plus a reason.
 * Only poison messages come here, so the SQS client is made at the first one.
 */
export class SqsDeadLetters implements DeadLetters {
  private readonly sqs: LazySqs;
  private readonly queueUrl: string;

  constructor({ settings, queueUrl }: { settings: SQSClientConfig; queueUrl: string }) {
    this.sqs = new LazySqs(settings);
    this.queueUrl = queueUrl;
  }

  async park(body: string, reason: string): Promise<void> {
    await this.sqs.sendMessage({
      QueueUrl: this.queueUrl,
      MessageBody: body,
      MessageAttributes: {
        reason: { DataType: 'String', StringValue: reason.slice(0, 10_000) },
      },
    });
  }
}
