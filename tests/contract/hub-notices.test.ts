import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { hubNoticeQueue, LocalHubNotices } from '../../shared/local/hub-notice-queue.ts';
import { SqsHubNotices } from '../../shared/stores/sqs-hub-notices.ts';
import { eventually } from '../support/wait.ts';
import { type HandedOver, hubNoticesContract } from './hub-notices.ts';

// No SQS emulator here: the SQS adapter is held to the contract through the messages it sends
// (SQS holds a message for its DelaySeconds, then its event-source mapping hands it over);
// the local queue, by what it hands its handler and when.

const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/hub-notices';
beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
});

hubNoticesContract('SqsHubNotices', async () => ({
  notices: new SqsHubNotices({ settings: { region: 'us-east-1' }, queueUrl: QUEUE }),
  handedOver: async (count) =>
    sqs
      .commandCalls(SendMessageCommand)
      .slice(0, count)
      .map(({ args: [{ input }] }) => {
        expect(input.QueueUrl).toBe(QUEUE);
        return { body: input.MessageBody ?? '', heldMs: (input.DelaySeconds ?? 0) * 1000 };
      }),
}));

hubNoticesContract('LocalHubNotices', async () => {
  const handed: HandedOver[] = [];
  const queue = hubNoticeQueue({
    handler: async ({ Records }) => {
      const now = Date.now();
      for (const r of Records)
        handed.push({ body: r.body, heldMs: now - Number(r.attributes.SentTimestamp) });
      return { batchItemFailures: [] };
    },
  });
  return {
    notices: new LocalHubNotices(queue),
    handedOver: (count) =>
      eventually(
        async () => (handed.length >= count ? handed.slice(0, count) : undefined),
        `${count} notices handed over`,
      ),
    close: () => queue.stop(),
  };
});

describe('SqsHubNotices', () => {
  it('rejects when SQS refuses the notice, so publish can log and count it', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('throttled'));
    const notices = new SqsHubNotices({ settings: { region: 'us-east-1' }, queueUrl: QUEUE });
    await expect(
      notices.send({
        hub: 'https://hub.example.net/',
        topics: ['https://news.example.com/rss.xml'],
      }),
    ).rejects.toThrow('throttled');
  });
});
