import type { SQSClientConfig } from '@aws-sdk/client-sqs';
import { ANNOUNCE_EVENTS } from '../contract/event-sources.ts';
import { type HubNotice, noticeBody } from '../contract/hub-notice.ts';
import type { HubNotices } from '../ports/hub-notices.ts';
import { LazySqs } from './lazy-sqs.ts';

/**
 * The hub-notice queue on SQS: each notice is a message delayed ANNOUNCE_EVENTS.delaySeconds
 * (SQS's per-message DelaySeconds), which the announce function's event-source mapping
 * receives. The SQS client is made at the first notice (a batch that changed a feed).
 */
export class SqsHubNotices implements HubNotices {
  private readonly sqs: LazySqs;
  private readonly queueUrl: string;

  constructor({ settings, queueUrl }: { settings: SQSClientConfig; queueUrl: string }) {
    this.sqs = new LazySqs(settings);
    this.queueUrl = queueUrl;
  }

  async send(notice: HubNotice): Promise<void> {
    await this.sqs.sendMessage({
      QueueUrl: this.queueUrl,
      MessageBody: noticeBody(notice),
      DelaySeconds: ANNOUNCE_EVENTS.delaySeconds,
    });
  }
}
