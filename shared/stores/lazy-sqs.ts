import type { SendMessageCommandInput, SQSClient, SQSClientConfig } from '@aws-sdk/client-sqs';

/**
 * An SQS client loaded and made at the first message, then kept: importing the SDK's SQS
 * client costs a cold start some 30 ms, and the functions that send with it (ingest's poison
 * messages, publish's hub notices) do so far less often than they start.
 */
export class LazySqs {
  private readonly settings: SQSClientConfig;
  private sqs?: Promise<{ client: SQSClient; sdk: typeof import('@aws-sdk/client-sqs') }>;

  constructor(settings: SQSClientConfig) {
    this.settings = settings;
  }

  async sendMessage(input: SendMessageCommandInput): Promise<void> {
    this.sqs ??= import('@aws-sdk/client-sqs').then((sdk) => ({
      client: new sdk.SQSClient(this.settings),
      sdk,
    }));
    const { client, sdk } = await this.sqs;
    await client.send(new sdk.SendMessageCommand(input));
  }
}
