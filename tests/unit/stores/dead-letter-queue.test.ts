import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsDeadLetters } from '../../../shared/stores/dead-letter-queue.ts';

const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq';

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
});

describe('SqsDeadLetters', () => {
  it('sends each parked message to the queue with its body and reason, through one client made at the first', async () => {
    const deadLetters = new SqsDeadLetters({ settings: { region: 'us-east-1' }, queueUrl: QUEUE });
    await deadLetters.park('{"a":1}', 'not an S3 event');
    await deadLetters.park('{"b":2}', 'x'.repeat(20_000));
    const sent = sqs.commandCalls(SendMessageCommand);
    expect(sent.map((call) => call.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE,
        MessageBody: '{"a":1}',
        MessageAttributes: { reason: { DataType: 'String', StringValue: 'not an S3 event' } },
      },
      {
        QueueUrl: QUEUE,
        MessageBody: '{"b":2}',
        MessageAttributes: { reason: { DataType: 'String', StringValue: 'x'.repeat(10_000) } },
      },
    ]);
    expect(sent[0]?.thisValue).toBe(sent[1]?.thisValue);
  });

  it('fails the park when SQS refuses the message, so the record is retried', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('throttled'));
    const deadLetters = new SqsDeadLetters({ settings: { region: 'us-east-1' }, queueUrl: QUEUE });
    await expect(deadLetters.park('{}', 'why')).rejects.toThrow('throttled');
  });
});
