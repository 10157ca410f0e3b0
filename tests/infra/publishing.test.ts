import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELEASE_EVERY } from '../../infra/publishing.ts';
import { EDGE_SECONDS } from '../../shared/contract/edge.ts';
import {
  ANNOUNCE_EVENTS,
  PUBLISH_EVENTS,
  PUBLISH_SITE_EVENT,
  SCHEDULES,
} from '../../shared/contract/event-sources.ts';
import {
  functionId,
  logicalIdOf,
  synthFeedpub,
  type Templates,
  withDataRefs,
} from './synth-feedpub.ts';

let t: Templates;
beforeAll(() => {
  t = synthFeedpub();
});
afterAll(() => t?.feedpub.dispose());

const streamMapping = () => {
  const mappings = t.service.findResources('AWS::Lambda::EventSourceMapping', {
    Properties: { FunctionName: { Ref: functionId(t.service, 'publish') } },
  });
  const [mapping] = Object.values(mappings);
  expect(Object.keys(mappings)).toHaveLength(1);
  return withDataRefs(mapping?.Properties, t.data) as Record<string, unknown>;
};

describe('publish on the table stream', () => {
  it('reads the table stream from the oldest record', () => {
    const tableId = logicalIdOf(t.feedpub.data.table);
    expect(streamMapping()).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
    });
  });

  it('batches, retries and bisects as PUBLISH_EVENTS says, and reports item failures', () => {
    expect(streamMapping()).toMatchObject({
      BatchSize: PUBLISH_EVENTS.batchSize,
      MaximumBatchingWindowInSeconds: PUBLISH_EVENTS.maxBatchingWindowSeconds,
      BisectBatchOnFunctionError: PUBLISH_EVENTS.bisectBatchOnError,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: PUBLISH_EVENTS.retryAttempts,
    });
  });

  it('runs PUBLISH_EVENTS.parallelizationFactor batches per shard at once, with no reservation', () => {
    expect(PUBLISH_EVENTS.parallelizationFactor).toBeGreaterThan(1);
    expect(streamMapping().ParallelizationFactor).toBe(PUBLISH_EVENTS.parallelizationFactor);
    // The stream bounds publish (shards × factor); a reservation would only idle concurrency.
    const fn = t.service.toJSON().Resources[functionId(t.service, 'publish')].Properties;
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('sends batches that keep failing to the publish DLQ', () => {
    const dlq = t.feedpub.service.publishing.deadLetterQueue;
    const dlqId = logicalIdOf(dlq);
    expect(streamMapping().DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
    });
    const queue = t.service.toJSON().Resources[dlqId].Properties;
    expect(queue.SqsManagedSseEnabled).toBe(true);
    t.service.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: dlqId }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Action: 'sqs:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] },
          },
        ],
      },
    });
  });

  it('is triggered by article items only, with the prefix the table store writes', () => {
    const { Filters } = streamMapping().FilterCriteria as { Filters: { Pattern: string }[] };
    expect(Filters.map((f) => JSON.parse(f.Pattern))).toEqual([
      { dynamodb: { Keys: { pk: { S: [{ prefix: 'ART#' }] } } } },
    ]);
  });

  it('publish times out after PUBLISH_EVENTS.timeoutSeconds, time for a large batch', () => {
    const fn = t.service.toJSON().Resources[functionId(t.service, 'publish')].Properties;
    expect(fn.Timeout).toBe(PUBLISH_EVENTS.timeoutSeconds);
    expect(fn.Timeout).toBeGreaterThanOrEqual(60);
    expect(fn.Timeout).toBeLessThanOrEqual(120);
  });

  it('publish has PUBLISH_EVENTS.memoryMb: at most one vCPU (1,769 MB), as its work is one thread', () => {
    const fn = t.service.toJSON().Resources[functionId(t.service, 'publish')].Properties;
    expect(fn.MemorySize).toBe(PUBLISH_EVENTS.memoryMb);
    expect(fn.MemorySize).toBeLessThanOrEqual(1769);
  });
});

describe('release on a schedule', () => {
  it('releases every minute (an embargo kept to the minute) and renders the site frame every 5', () => {
    const rules = Object.values(t.service.findResources('AWS::Events::Rule')).map(
      (rule) => rule.Properties,
    );
    expect(rules).toHaveLength(2);
    for (const rule of rules) expect(rule.State).toBe('ENABLED');
    const byRate = new Map(rules.map((rule) => [rule.ScheduleExpression, rule.Targets]));
    expect(byRate.get('rate(1 minute)')).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [functionId(t.service, 'release'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2 },
      }),
    ]);
    expect(byRate.get('rate(5 minutes)')).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [functionId(t.service, 'publish'), 'Arn'] },
        Input: JSON.stringify(PUBLISH_SITE_EVENT),
        RetryPolicy: { MaximumRetryAttempts: 2 },
      }),
    ]);
    expect(RELEASE_EVERY.toMinutes()).toBe(SCHEDULES.releaseEveryMinutes);
  });

  it('ends a run within its tick, with no reservation (a new account has only 10 to give)', () => {
    const fn = t.service.toJSON().Resources[functionId(t.service, 'release')].Properties;
    expect(fn.ReservedConcurrentExecutions).toBeUndefined();
    expect(fn.Timeout).toBeLessThan(RELEASE_EVERY.toSeconds());
  });

  // Release for its runs, publish for the site-frame tick.
  it.each([
    ['release', 'rate(1 minute)'],
    ['publish', 'rate(5 minutes)'],
  ] as const)('EventBridge may invoke %s, and only from its rule (%s)', (name, rate) => {
    const ruleId = Object.keys(
      t.service.findResources('AWS::Events::Rule', { Properties: { ScheduleExpression: rate } }),
    )[0];
    t.service.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId(t.service, name), 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });
});

describe('announce on the hub-notice queue', () => {
  const mapping = () => {
    const mappings = t.service.findResources('AWS::Lambda::EventSourceMapping', {
      Properties: { FunctionName: { Ref: functionId(t.service, 'announce') } },
    });
    expect(Object.keys(mappings)).toHaveLength(1);
    return Object.values(mappings)[0]?.Properties as Record<string, unknown>;
  };
  const resource = (construct: Parameters<typeof logicalIdOf>[0]) =>
    t.service.toJSON().Resources[logicalIdOf(construct)].Properties;

  it('receives the queue as ANNOUNCE_EVENTS says, and reports item failures', () => {
    const { queue } = t.feedpub.service.announcing;
    expect(mapping()).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(queue), 'Arn'] },
      BatchSize: ANNOUNCE_EVENTS.batchSize,
      ScalingConfig: { MaximumConcurrency: ANNOUNCE_EVENTS.maxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('gives a notice maxReceives deliveries before its encrypted, TLS-only dead-letter queue', () => {
    const { queue, deadLetterQueue } = t.feedpub.service.announcing;
    expect(resource(queue)).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * ANNOUNCE_EVENTS.timeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(deadLetterQueue), 'Arn'] },
        maxReceiveCount: ANNOUNCE_EVENTS.maxReceives,
      },
    });
    expect(resource(deadLetterQueue)).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('holds notices long enough for the edge: a feed lives there EDGE_SECONDS.feed', () => {
    expect(ANNOUNCE_EVENTS.delaySeconds).toBeGreaterThan(EDGE_SECONDS.feed);
    expect(t.service.toJSON().Resources[functionId(t.service, 'announce')].Properties.Timeout).toBe(
      ANNOUNCE_EVENTS.timeoutSeconds,
    );
  });
});
