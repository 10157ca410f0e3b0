import { Annotations, type App, type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { APP_STACK_ID, DATA_STACK_ID, EDGE_ALARMS_STACK_ID } from '../shared/contract/stacks.ts';
import { DISTRIBUTION_ID_OUTPUT, FeedpubAppStack } from './app-stack.ts';
import { readConfig } from './config.ts';
import { FeedpubDataStack } from './data-stack.ts';
import { FeedpubEdgeAlarmsStack } from './edge-alarms-stack.ts';

export { APP_STACK_ID, DATA_STACK_ID, EDGE_ALARMS_STACK_ID } from '../shared/contract/stacks.ts';

export interface Feedpub {
  readonly data: FeedpubDataStack;
  readonly service: FeedpubAppStack;
  /** Undefined when the region the app deploys to was not known at synth. */
  readonly edge: FeedpubEdgeAlarmsStack | undefined;
}

export interface ComposeOptions {
  /**
   * The region the two env-agnostic stacks deploy to: the CDK CLI's (infra/app.ts passes
   * CDK_DEFAULT_REGION, which the CLI sets from the profile or AWS_REGION, the region it
   * deploys them to). The edge alarms read the distribution's id from there; without it they
   * are left out, with a warning.
   */
  readonly region?: string | undefined;
}

/**
 * The whole publisher: the stateful stack and the stateless one wired to it, environment
 * agnostic (no account, no region, no lookups), so it synthesizes offline; and, where the
 * region they go to is known, the edge alarms in us-east-1.
 */
export function composeFeedpub(app: App, { region }: ComposeOptions = {}): Feedpub {
  const config = readConfig(app.node);
  const description = 'feedpub: serverless news-feed publisher';
  const data = new FeedpubDataStack(app, DATA_STACK_ID, {
    description: `${description} (data: buckets and table, retained)`,
    tableWarmThroughput: config.tableWarmThroughput,
  });
  const service = new FeedpubAppStack(app, APP_STACK_ID, {
    description: `${description} (functions, queues, CDN, alarms)`,
    inbox: data.inbox,
    site: data.site,
    table: data.table,
    config,
  });
  const edge = region
    ? new FeedpubEdgeAlarmsStack(app, EDGE_ALARMS_STACK_ID, {
        description: `${description} (alarms on the CDN, in us-east-1 where its metrics are)`,
        appStackName: service.stackName,
        appRegion: region,
        distributionIdOutput: DISTRIBUTION_ID_OUTPUT,
        distributionLogicalId: logicalIdOf(service.site.distribution),
        email: config.alarmEmail,
      })
    : undefined;
  if (edge) edge.addStackDependency(service, 'reads the distribution id from its output');
  else
    Annotations.of(service).addWarningV2(
      'feedpub:noEdgeAlarms',
      `${EDGE_ALARMS_STACK_ID} left out: the region the stacks deploy to is not known (CDK_DEFAULT_REGION, which the CDK CLI sets, is unset), so no alarm watches the errors readers get from CloudFront`,
    );
  return { data, service, edge };
}

function logicalIdOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
}
