import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_QUEUE_AGE } from '../../infra/alarms.ts';
import { METRICS } from '../../shared/contract/metrics.ts';
import { LOCAL_FUNCTIONS } from '../../shared/local/execution-environments.ts';
import {
  functionId,
  logicalIdOf,
  synthFeedpub,
  type Templates,
  withDataRefs,
} from './synth-feedpub.ts';

let t: Templates;
let withEmail: Templates;
beforeAll(() => {
  t = synthFeedpub();
  withEmail = synthFeedpub({ context: { alarmEmail: 'ops@example.com' } });
});
afterAll(() => {
  t?.feedpub.dispose();
  withEmail?.feedpub.dispose();
});

type Alarm = Record<string, unknown> & { Dimensions: { Name: string; Value: unknown }[] };
const alarms = () =>
  Object.values(t.service.findResources('AWS::CloudWatch::Alarm')).map(
    (a) => a.Properties as Alarm,
  );
const topicId = () => logicalIdOf(t.feedpub.service.alarms.topic);
const alarmOn = (metric: string, dimension: string, value: unknown) => {
  const found = alarms().filter(
    (a) =>
      a.MetricName === metric &&
      a.Dimensions.some(
        (d) => d.Name === dimension && JSON.stringify(d.Value) === JSON.stringify(value),
      ),
  );
  expect(found).toHaveLength(1);
  return found[0] as Alarm;
};

describe('alarms', () => {
  it('every alarm notifies the topic on ALARM and OK, and ignores missing data', () => {
    expect(alarms()).toHaveLength(23);
    for (const alarm of alarms()) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId() }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId() }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    }
  });

  it.each([
    ['inbox events', () => t.feedpub.service.ingestion.deadLetterQueue],
    ['publish', () => t.feedpub.service.publishing.deadLetterQueue],
    ['hub-notice', () => t.feedpub.service.announcing.deadLetterQueue],
  ])('fires on the first message in the %s DLQ', (_name, queue) => {
    const alarm = alarmOn('ApproximateNumberOfMessagesVisible', 'QueueName', {
      'Fn::GetAtt': [logicalIdOf(queue()), 'QueueName'],
    });
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: 1,
      Period: 300,
    });
  });

  it.each(['ingest', 'publish', 'release', 'announce'])('fires on any %s error', (name) => {
    const alarm = alarmOn('Errors', 'FunctionName', { Ref: functionId(t.service, name) });
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 1,
    });
  });

  it.each(['ingest', 'publish', 'announce'] as const)(
    'fires when a %s invocation takes over 80%% of its timeout, before one times out',
    (name) => {
      const alarm = alarmOn('Duration', 'FunctionName', { Ref: functionId(t.service, name) });
      const timeoutMs = LOCAL_FUNCTIONS[name].timeoutSeconds * 1000;
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Maximum',
        Threshold: timeoutMs * 0.8,
        EvaluationPeriods: 1,
        Period: 300,
      });
      // The timeout it is measured against is the one deployed.
      const fn = t.service.toJSON().Resources[functionId(t.service, name)].Properties;
      expect(fn.Timeout * 1000).toBe(timeoutMs);
    },
  );

  it('fires when publish is over 2 minutes behind the stream 3 minutes running', () => {
    const alarm = alarmOn('IteratorAge', 'FunctionName', { Ref: functionId(t.service, 'publish') });
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: 120_000,
      Period: 60,
      EvaluationPeriods: 3,
    });
    expect(alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods).toBe(3);
  });
});

describe('alarms before the DLQ', () => {
  const functionEnv = (name: string) =>
    t.service.toJSON().Resources[functionId(t.service, name)].Properties.Environment.Variables;

  it.each([
    ['ingest', METRICS.ingestFailedRecords, { Period: 300, Threshold: 10, EvaluationPeriods: 1 }],
    [
      'publish',
      METRICS.publishFailedRecords,
      { Period: 60, Threshold: 1, EvaluationPeriods: 2, DatapointsToAlarm: 2 },
    ],
    ['publish', METRICS.renderFailures, { Period: 60, Threshold: 1, EvaluationPeriods: 1 }],
    ['publish', METRICS.hubNoticesFailed, { Period: 900, Threshold: 3, EvaluationPeriods: 1 }],
    ['announce', METRICS.hubNoticesFailed, { Period: 900, Threshold: 3, EvaluationPeriods: 1 }],
  ] as const)('%s: %s, a Powertools metric, as that function emits it', (name, metric, policy) => {
    const service = METRICS.services[name];
    const alarm = alarmOn(metric, METRICS.serviceDimension, service);
    expect(alarm).toMatchObject({ Namespace: METRICS.namespace, Statistic: 'Sum', ...policy });
    // Powertools emits exactly one dimension, `service`: one more here would match no data.
    expect(alarm.Dimensions).toEqual([{ Name: 'service', Value: service }]);
    // ...valued from the function's own settings, which Powertools reads.
    expect(functionEnv(name)).toMatchObject({
      POWERTOOLS_SERVICE_NAME: service,
      POWERTOOLS_METRICS_NAMESPACE: alarm.Namespace,
    });
  });

  it('fires when the oldest upload in the inbox queue has waited 5 minutes, over one retry', () => {
    const queue = t.feedpub.service.ingestion.queue;
    const alarm = alarmOn('ApproximateAgeOfOldestMessage', 'QueueName', {
      'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'],
    });
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: MAX_QUEUE_AGE.toSeconds(),
      Period: 60,
      EvaluationPeriods: 1,
    });
    expect(alarm.Threshold).toBe(300);
    // One redelivery of a passing failure waits one visibility timeout: not worth a page.
    const visibility =
      t.service.toJSON().Resources[logicalIdOf(queue)].Properties.VisibilityTimeout;
    expect(alarm.Threshold).toBeGreaterThan(visibility);
  });

  it.each(['ReadThrottleEvents', 'WriteThrottleEvents'])(
    'fires on %s on the table in 3 minutes running',
    (metric) => {
      const found = alarms().filter((a) => a.MetricName === metric);
      expect(found).toHaveLength(1);
      const alarm = withDataRefs(found[0], t.data) as Alarm;
      expect(alarm).toMatchObject({
        Namespace: 'AWS/DynamoDB',
        Statistic: 'Sum',
        Threshold: 1,
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
      });
      expect(alarm.Dimensions).toEqual([
        { Name: 'TableName', Value: { Ref: logicalIdOf(t.feedpub.data.table) } },
      ]);
    },
  );

  it.each(['ingest', 'publish', 'release', 'announce'])('fires on any %s throttle', (name) => {
    const alarm = alarmOn('Throttles', 'FunctionName', { Ref: functionId(t.service, name) });
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Threshold: 1,
      Period: 300,
      EvaluationPeriods: 1,
    });
  });
});

describe('alarm topic', () => {
  it("lets this account's alarms publish, and refuses publishing without TLS", () => {
    // The topic policy replaces SNS's default (which let the account's alarms publish): the
    // alarms' actions need a statement of their own.
    const policies = t.service.findResources('AWS::SNS::TopicPolicy');
    const statements = Object.values(policies).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[],
    );
    expect(Object.values(policies)).toHaveLength(1);
    expect(statements).toEqual([
      {
        Effect: 'Deny',
        Action: 'sns:Publish',
        Principal: '*',
        Resource: { Ref: topicId() },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Sid: 'AllowPublishThroughSSLOnly',
      },
      {
        Effect: 'Allow',
        Action: 'sns:Publish',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Resource: { Ref: topicId() },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudwatch:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':alarm:*',
                ],
              ],
            },
          },
        },
        Sid: 'AlarmsOfThisAccountPublish',
      },
    ]);
    // Every alarm's action is that topic, so every alarm is covered by the statement.
    const alarms = Object.values(t.service.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId() }]);
  });

  it('has no subscription unless alarmEmail is set', () => {
    t.service.resourceCountIs('AWS::SNS::Subscription', 0);
    withEmail.service.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: logicalIdOf(withEmail.feedpub.service.alarms.topic) },
    });
  });
});
