import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterEach, describe, expect, it } from 'vitest';
import { DISTRIBUTION_ID_OUTPUT } from '../../infra/app-stack.ts';
import { checkAwsSolutions, describeFindings } from '../../infra/nag.ts';
import { APP_STACK_ID, EDGE_ALARMS_STACK_ID } from '../../shared/contract/stacks.ts';
import { buildFeedpub, logicalIdOf, type SynthedFeedpub } from './synth-feedpub.ts';

let built: SynthedFeedpub | undefined;
afterEach(() => built?.dispose());

const inRegion = (region: string, context: Record<string, unknown> = {}) => {
  built = buildFeedpub({ region, context });
  const { edge } = built;
  if (!edge) throw new Error('no edge alarms stack');
  return { edge, template: Template.fromStack(edge) };
};

describe('edge alarms (CloudFront metrics are in us-east-1 only)', () => {
  it('a stack in us-east-1 alarms when readers get 5xx from the distribution three minutes running', () => {
    const { edge, template } = inRegion('eu-west-1');
    expect(edge.region).toBe('us-east-1');
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      Namespace: 'AWS/CloudFront',
      MetricName: '5xxErrorRate',
      Statistic: 'Average',
      Period: 60,
      Threshold: 5,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalIdOf(edge.alarms.topic) }],
      OKActions: [{ Ref: logicalIdOf(edge.alarms.topic) }],
    });
    expect(alarms[0]?.Properties.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'Region', Value: 'Global' },
        {
          Name: 'DistributionId',
          Value: {
            'Fn::GetStackOutput': {
              StackName: APP_STACK_ID,
              OutputName: DISTRIBUTION_ID_OUTPUT,
              Region: 'eu-west-1',
            },
          },
        },
      ]),
    );
  });

  it('reads an output the app stack has: the distribution id, and deploys after it', () => {
    const { edge } = inRegion('ap-southeast-2');
    const app = Template.fromStack(built?.service ?? edge);
    const distribution = logicalIdOf(built?.service.site.distribution ?? edge);
    expect(app.toJSON().Outputs[DISTRIBUTION_ID_OUTPUT]).toMatchObject({
      Value: { Ref: distribution },
    });
    expect(edge.dependencies.map((s) => s.stackName)).toContain(APP_STACK_ID);
    // A replaced distribution (a new logical id) changes this template: a deploy reads its id.
    const alarm = Object.values(
      Template.fromStack(edge).findResources('AWS::CloudWatch::Alarm'),
    )[0];
    expect(alarm?.Properties.AlarmDescription).toContain(distribution);
  });

  it('its topic takes the alarm e-mail, and only this account’s us-east-1 alarms may publish', () => {
    const { template } = inRegion('eu-west-1', { alarmEmail: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: Match.objectLike({
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': ['', Match.arrayWith(['arn:aws:cloudwatch:us-east-1:'])],
                },
              },
            }),
          }),
        ]),
      },
    });
  });

  it('passes cdk-nag with the rest of the app', () => {
    // Checked before synthesis, as infra/app.ts does (nag.test.ts).
    built = buildFeedpub({ region: 'us-east-1', context: { alarmEmail: 'ops@example.com' } });
    expect(built.edge).toBeDefined();
    expect(describeFindings(checkAwsSolutions(built.app))).toEqual([]);
  });

  it('without a known region (an offline synth) it is left out, with a warning saying so', () => {
    built = buildFeedpub();
    expect(built.edge).toBeUndefined();
    expect(built.app.node.tryFindChild(EDGE_ALARMS_STACK_ID)).toBeUndefined();
    Annotations.fromStack(built.service).hasWarning(
      '*',
      Match.stringLikeRegexp(`${EDGE_ALARMS_STACK_ID} left out`),
    );
  });
});
