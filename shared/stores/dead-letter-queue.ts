import type { SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';
import type { DeadLetters } from '../ports/dead-letters.ts';

/**
 * The ingest dead-letter queue, written directly: the message keeps its body, plus a reason.
 * Only poison messages come here, so the SQS client is loaded and made at the first one, not
 * at every cold start (importing it costs a cold start some 30 ms), and then kept.
 */
export class SqsDeadLetters implements DeadLetters {
  private readonly settings: SQSClientConfig;
  private readonly queueUrl: string;
  private sqs?: Promise<{ client: SQSClient; sdk: typeof import('@aws-sdk/client-sqs') }>;

  constructor({ settings, queueUrl }: { settings: SQSClientConfig; queueUrl: string }) {
    this.settings = settings;
    this.queueUrl = queueUrl;
  }

  async park(body: string, reason: string): Promise<void> {
    this.sqs ??= import('@aws-sdk/client-sqs').then((sdk) => ({
      client: new sdk.SQSClient(this.settings),
      sdk,
    }));
    const { client, sdk } = await this.sqs;
    await client.send(
      new sdk.SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: body,
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: reason.slice(0, 10_000) },
        },
      }),
    );
  }
}
