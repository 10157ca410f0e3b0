import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../shared/contract/environment.ts';
import { INGEST_EVENTS } from '../../shared/contract/event-sources.ts';
import {
  arnOf,
  asArray,
  functionId,
  logicalIdOf,
  statementsOf,
  synthFeedpub,
  type Templates,
  withDataRefs,
} from './synth-feedpub.ts';

let t: Templates;
beforeAll(() => {
  t = synthFeedpub();
});
afterAll(() => t?.feedpub.dispose());

const queueId = () => logicalIdOf(t.feedpub.service.ingestion.queue);
const dlqId = () => logicalIdOf(t.feedpub.service.ingestion.deadLetterQueue);

describe('inbox events queue', () => {
  it('is encrypted, gives up after 5 receives into its DLQ, and outlasts six ingest timeouts and the window', () => {
    const queue = t.service.toJSON().Resources[queueId()].Properties;
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlqId(), 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(queue.VisibilityTimeout).toBe(
      6 * INGEST_EVENTS.timeoutSeconds + INGEST_EVENTS.maxBatchingWindowSeconds,
    );
  });

  it('the DLQ is encrypted and keeps messages 14 days', () => {
    const dlq = t.service.toJSON().Resources[dlqId()].Properties;
    expect(dlq.SqsManagedSseEnabled).toBe(true);
    expect(dlq.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it.each([
    ['queue', queueId],
    ['dead-letter queue', dlqId],
  ])('the %s refuses requests without TLS', (_name, id) => {
    t.service.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: id() }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('accepts messages from S3 only on behalf of the inbox bucket', () => {
    const [policy] = Object.values(
      t.service.findResources('AWS::SQS::QueuePolicy', {
        Properties: { Queues: [{ Ref: queueId() }] },
      }),
    );
    const allow = withDataRefs(policy?.Properties.PolicyDocument.Statement, t.data) as unknown[];
    expect(allow).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: expect.arrayContaining(['sqs:SendMessage']),
        Condition: { ArnLike: { 'aws:SourceArn': arnOf(t.feedpub.data.inbox) } },
      }),
    );
    // And of this account only (a bucket name can change hands).
    expect(allow).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { StringNotEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    );
  });
});

describe('inbox notifications', () => {
  it('send ObjectCreated and ObjectRemoved under articles/ (and nothing else) to the queue', () => {
    const [notifications] = Object.values(t.service.findResources('Custom::S3BucketNotifications'));
    const props = withDataRefs(notifications?.Properties, t.data) as Record<string, unknown>;
    expect(props.BucketName).toEqual({ Ref: logicalIdOf(t.feedpub.data.inbox) });
    // Merged with, not replacing, any configuration the bucket already has.
    expect(props.Managed).toBe(false);
    const filter = { Key: { FilterRules: [{ Name: 'prefix', Value: 'articles/' }] } };
    const queueArn = { 'Fn::GetAtt': [queueId(), 'Arn'] };
    expect(props.NotificationConfiguration).toEqual({
      QueueConfigurations: [
        { Events: ['s3:ObjectCreated:*'], Filter: filter, QueueArn: queueArn },
        { Events: ['s3:ObjectRemoved:*'], Filter: filter, QueueArn: queueArn },
      ],
    });
  });
});

const ingestMapping = () => {
  const mappings = t.service.findResources('AWS::Lambda::EventSourceMapping', {
    Properties: { FunctionName: { Ref: functionId(t.service, 'ingest') } },
  });
  expect(Object.keys(mappings)).toHaveLength(1);
  return Object.values(mappings)[0]?.Properties as Record<string, unknown>;
};

describe('ingest event source', () => {
  it('reads the inbox queue with the batch size and window of INGEST_EVENTS, reporting item failures', () => {
    expect(ingestMapping()).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId(), 'Arn'] },
      BatchSize: INGEST_EVENTS.batchSize,
      MaximumBatchingWindowInSeconds: INGEST_EVENTS.maxBatchingWindowSeconds,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('runs at most INGEST_EVENTS.maxConcurrency batches at once, and that is its only bound', () => {
    expect(ingestMapping().ScalingConfig).toEqual({
      MaximumConcurrency: INGEST_EVENTS.maxConcurrency,
    });
    // Reserved concurrency would throttle the poller and push retried messages to the DLQ.
    const fn = t.service.toJSON().Resources[functionId(t.service, 'ingest')].Properties;
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('ingest may send to its DLQ, and only there, and knows its URL', () => {
    const sends = statementsOf(t.service, t.data, 'ingest').filter((s) =>
      asArray(s.Action).includes('sqs:SendMessage'),
    );
    expect(sends.flatMap((s) => asArray(s.Resource))).toEqual([{ 'Fn::GetAtt': [dlqId(), 'Arn'] }]);
    const fn = t.service.toJSON().Resources[functionId(t.service, 'ingest')].Properties;
    expect(fn.Environment.Variables[ENV.ingestDeadLetterQueue]).toEqual({ Ref: dlqId() });
  });

  it('ingest times out after INGEST_EVENTS.timeoutSeconds', () => {
    const fn = t.service.toJSON().Resources[functionId(t.service, 'ingest')].Properties;
    expect(fn.Timeout).toBe(INGEST_EVENTS.timeoutSeconds);
  });
});
