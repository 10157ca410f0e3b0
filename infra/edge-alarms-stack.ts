import { Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CLOUDFRONT_METRICS_REGION } from '../shared/contract/stacks.ts';
import { Alarms } from './alarms.ts';

export interface FeedpubEdgeAlarmsStackProps extends StackProps {
  /** The app stack whose `DistributionId` output names the distribution. */
  readonly appStackName: string;
  /** The region the app stack is deployed in. */
  readonly appRegion: string;
  /** The output of the app stack that holds the distribution's id. */
  readonly distributionIdOutput: string;
  /**
   * The distribution's logical id in the app stack: a distribution replaced is one with a new
   * logical id (no property change replaces one), so naming it here changes this template, and
   * a deploy reads the new id (Fn::GetStackOutput is read only when this stack deploys).
   */
  readonly distributionLogicalId: string;
  readonly email: string | undefined;
}

/**
 * The alarms on what viewers get from the edge. CloudFront publishes its metrics in us-east-1
 * only, and an alarm watches its own region's metrics only, so this small stack lives there,
 * with a topic of its own (an alarm notifies a topic of its region), and reads the
 * distribution's id from the app stack's output at deploy (Fn::GetStackOutput, which reaches
 * across regions). It holds no data: safe to destroy and deploy again.
 */
export class FeedpubEdgeAlarmsStack extends Stack {
  public readonly alarms: Alarms;

  constructor(scope: Construct, id: string, props: FeedpubEdgeAlarmsStackProps) {
    super(scope, id, {
      ...props,
      env: { ...props.env, region: CLOUDFRONT_METRICS_REGION },
    });
    this.alarms = new Alarms(this, 'Alarms', { email: props.email });
    const distributionId = Fn.getStackOutput(
      props.appStackName,
      props.distributionIdOutput,
      props.appRegion,
    );
    this.alarms.edgeErrors('EdgeServerErrors', distributionId, props.distributionLogicalId);
  }
}
