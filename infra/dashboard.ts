import { Duration, Stack } from 'aws-cdk-lib';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS } from '../shared/contract/metrics.ts';
import { CLOUDFRONT_METRICS_REGION } from '../shared/contract/stacks.ts';
import { handlerMetric } from './handler-metric.ts';

export interface OperationsDashboardProps {
  readonly ingest: IFunction;
  readonly publish: IFunction;
  readonly release: IFunction;
  readonly announce: IFunction;
  readonly inboxQueue: IQueue;
  readonly ingestDeadLetters: IQueue;
  readonly publishDeadLetters: IQueue;
  readonly hubNoticeDeadLetters: IQueue;
  readonly table: ITable;
  readonly distribution: IDistribution;
}

/** What ingest counts per upload, by outcome (shared/lambda/ingest-handler.ts). */
export const INGEST_OUTCOMES = ['published', 'updated', 'deleted', 'rejected', 'unchanged'];

const PERIOD = Duration.minutes(5);

/**
 * One page for the operator on call: is anything stuck (DLQs, failures), is anything late
 * (queue age and stream lag: an upload's way to the feeds), and what editors sent (outcomes).
 */
export class OperationsDashboard extends Construct {
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const custom = (service: string, metricName: string, label = metricName) =>
      handlerMetric(service, metricName, PERIOD, label);
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width: 12, height: 6 });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${Stack.of(this).stackName}-operations`,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '## feedpub\nAn upload reaches the feeds after its wait in the inbox queue and publish\'s lag behind the table stream (both below). Anything in a dead-letter queue needs a human: README "Alarms".',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph(
        'Uploads by outcome (ingest)',
        INGEST_OUTCOMES.map((outcome) => custom(METRICS.services.ingest, outcome)),
        [custom(METRICS.services.ingest, METRICS.ingestFailedRecords, 'failed (retried)')],
      ),
      graph(
        'Freshness: inbox queue age and publish lag (ms)',
        [
          props.inboxQueue.metricApproximateAgeOfOldestMessage({
            period: PERIOD,
            statistic: Stats.MAXIMUM,
            label: 'oldest upload waiting (s)',
          }),
        ],
        [
          props.publish.metric('IteratorAge', {
            period: PERIOD,
            statistic: Stats.MAXIMUM,
            label: 'publish behind the stream (ms)',
          }),
        ],
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Publish: duration (ms)',
        [
          props.publish.metricDuration({ period: PERIOD, statistic: 'p50', label: 'p50' }),
          props.publish.metricDuration({ period: PERIOD, statistic: 'p99', label: 'p99' }),
        ],
        [custom(METRICS.services.publish, 'filesWritten', 'files written')],
      ),
      graph('Publish: failures', [
        custom(METRICS.services.publish, METRICS.renderFailures, 'render failures'),
        custom(METRICS.services.publish, METRICS.publishFailedRecords, 'failed records (retried)'),
        custom(METRICS.services.publish, METRICS.hubNoticesFailed, 'WebSub notices not queued'),
        custom(METRICS.services.announce, METRICS.hubNoticesFailed, 'WebSub hubs refusing'),
      ]),
    );
    // A dashboard may show another region's metrics (an alarm may not: feedpub-edge-alarms).
    const edge = (metricName: string, statistic: string, label: string) =>
      new Metric({
        namespace: 'AWS/CloudFront',
        metricName,
        dimensionsMap: { DistributionId: props.distribution.distributionId, Region: 'Global' },
        region: CLOUDFRONT_METRICS_REGION,
        period: PERIOD,
        statistic,
        label,
      });
    this.dashboard.addWidgets(
      graph(
        'Readers: error rates (%) and requests (CloudFront, us-east-1)',
        [
          edge('5xxErrorRate', Stats.AVERAGE, '5xx %'),
          edge('4xxErrorRate', Stats.AVERAGE, '4xx % (404s included)'),
        ],
        [edge('Requests', Stats.SUM, 'requests')],
      ),
    );
    this.dashboard.addWidgets(
      graph('Dead-letter queues (messages)', [
        props.ingestDeadLetters.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: Stats.MAXIMUM,
          label: 'ingest DLQ',
        }),
        props.publishDeadLetters.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: Stats.MAXIMUM,
          label: 'publish DLQ',
        }),
        props.hubNoticeDeadLetters.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: Stats.MAXIMUM,
          label: 'WebSub notice DLQ',
        }),
      ]),
      graph(
        'Errors, throttles and cold starts',
        [props.ingest, props.publish, props.release, props.announce].flatMap((fn) => [
          fn.metricErrors({ period: PERIOD, statistic: Stats.SUM, label: `${fn.node.id} errors` }),
          fn.metricThrottles({
            period: PERIOD,
            statistic: Stats.SUM,
            label: `${fn.node.id} throttles`,
          }),
        ]),
        [
          props.table.metric('WriteThrottleEvents', {
            period: PERIOD,
            statistic: Stats.SUM,
            label: 'table write throttles',
          }),
          props.table.metric('ReadThrottleEvents', {
            period: PERIOD,
            statistic: Stats.SUM,
            label: 'table read throttles',
          }),
        ],
      ),
    );
  }
}
