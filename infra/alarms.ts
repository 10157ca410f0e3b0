import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS } from '../shared/contract/metrics.ts';
import { handlerMetric } from './handler-metric.ts';

export interface AlarmsProps {
  /** Subscribed to the topic when set; the address must confirm the subscription. */
  readonly email: string | undefined;
}

const PERIOD = Duration.minutes(5);
const MINUTE = Duration.minutes(1);
/** How far behind the table stream publish may fall before someone should look. */
export const MAX_ITERATOR_AGE = Duration.minutes(2);
/**
 * How long an upload may wait in the inbox queue. Longer than one visibility timeout (3 min,
 * infra/ingestion.ts), so one retry of a passing failure pages nobody; an upload that keeps
 * failing passes it before its third delivery, well before its fifth sends it to the DLQ.
 */
export const MAX_QUEUE_AGE = Duration.minutes(5);
/**
 * Failed ingest records in 5 minutes that mean "systemic" (throttling, S3, a bad deploy), not
 * one bad upload: that one fails at most twice in 5 minutes (3-minute visibility timeout) and is
 * the queue-age and DLQ alarms' business. A failing message reaches the DLQ ~12 minutes after
 * its first failure (5 deliveries), so this fires with several minutes to spare.
 */
export const MAX_INGEST_FAILURES = 10;
/**
 * The share of a function's timeout an invocation may take before someone should look: the
 * next one like it may time out (an error; its batch retried, its messages towards the DLQ).
 * Publish stops starting archive pages at half its time (a stream batch short of time), so it
 * gets this far only when what was under way then took another 30% of the timeout or more.
 */
export const NEAR_TIMEOUT = 0.8;
/**
 * The share of viewer requests answered 5xx (the bucket failing, or an edge function throwing:
 * CloudFront answers 503 then) that means the site is failing its readers, three minutes
 * running: one reader's unlucky request on a quiet site is 100% of a minute, not three.
 */
export const MAX_EDGE_5XX_PERCENT = 5;

/**
 * The alarm topic and the alarms an operator at peak traffic wants: the ones that mean "an
 * article is stuck" (DLQs, errors), and the ones that fire before the DLQ does (handled
 * failures, queue age, stream lag, throttles).
 */
export class Alarms extends Construct {
  public readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'feedpub alarms', enforceSSL: true });
    // A topic policy replaces SNS's default one, which is what let this account's alarms
    // publish: without this statement every alarm's action fails ("no resource-based policy
    // allows the SNS:Publish action"). Alarms of this account only.
    const { account, region, partition } = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AlarmsOfThisAccountPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
        },
      }),
    );
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }

  /** Any message in a dead-letter queue is an upload or a publish that needs a human. */
  deadLetters(id: string, queue: IQueue): Alarm {
    return this.alarm(id, 'Messages waiting in a feedpub dead-letter queue', {
      metric: queue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
    });
  }

  /** Errors a function threw (a failed batch item reported by the handler is not one). */
  errors(id: string, fn: IFunction): Alarm {
    return this.alarm(id, `Errors in ${fn.node.id}`, {
      metric: fn.metricErrors({ period: PERIOD, statistic: Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
    });
  }

  /**
   * An invocation that took more than NEAR_TIMEOUT of the function's timeout (Duration's
   * maximum): ingest's uploads parsing slowly or the table answering slowly, publish's batches
   * outgrowing their time. It fires before the timeouts do.
   */
  nearTimeout(id: string, fn: IFunction, timeoutSeconds: number): Alarm {
    const limit = Duration.seconds(timeoutSeconds);
    return this.alarm(id, `${fn.node.id} invocations near their ${timeoutSeconds} s timeout`, {
      metric: fn.metricDuration({ period: PERIOD, statistic: Stats.MAXIMUM }),
      threshold: Math.round(limit.toMilliseconds() * NEAR_TIMEOUT),
      evaluationPeriods: 1,
    });
  }

  /** Publish falling behind the table stream, sustained for two periods out of three. */
  iteratorAge(id: string, fn: IFunction): Alarm {
    return this.alarm(id, `${fn.node.id} is falling behind the table stream`, {
      // Per minute, three running: a burst that publish catches up with in a minute or two
      // pages nobody; one it does not, within five minutes of its first record.
      metric: fn.metric('IteratorAge', { period: MINUTE, statistic: Stats.MAXIMUM }),
      threshold: MAX_ITERATOR_AGE.toMilliseconds(),
      evaluationPeriods: 3,
    });
  }

  /** Ingest's handled failures: messages it reported in batchItemFailures, to be retried. */
  ingestFailures(id: string): Alarm {
    return this.alarm(id, 'Uploads failing in ingest (retried; the DLQ is next)', {
      metric: handlerMetric(METRICS.services.ingest, METRICS.ingestFailedRecords, PERIOD),
      threshold: MAX_INGEST_FAILURES,
      evaluationPeriods: 1,
    });
  }

  /**
   * Any feed or page publish could not write: it is stale on the site now. Stream retries do
   * not wait for a visibility timeout, so a second datapoint could come after the DLQ.
   */
  renderFailures(id: string): Alarm {
    return this.alarm(id, 'Feeds or pages publish could not render or write', {
      metric: handlerMetric(METRICS.services.publish, METRICS.renderFailures, MINUTE),
      threshold: 1,
      evaluationPeriods: 1,
    });
  }

  /**
   * Stream records publish reported failed in two minutes running: retries are not clearing
   * them, and their lane of the shard waits (iterator age follows).
   */
  publishFailures(id: string): Alarm {
    return this.alarm(id, 'Stream records failing in publish for two minutes running', {
      metric: handlerMetric(METRICS.services.publish, METRICS.publishFailedRecords, MINUTE),
      threshold: 1,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
    });
  }

  /**
   * WebSub notices failing three times in 15 minutes: announce's (a hub refused every attempt
   * of an invocation; SQS brings the notices back, the dead letters are next) or publish's (it
   * could not queue a batch's notice). Subscribers of those hubs stop hearing of changes (they
   * still poll). One refusal is a hub's bad minute, not an alarm.
   */
  hubNotices(id: string, service: 'announce' | 'publish'): Alarm {
    const what =
      service === 'announce'
        ? 'A WebSub hub keeps refusing notices of changed feeds'
        : 'Publish cannot queue WebSub notices of changed feeds';
    return this.alarm(id, what, {
      metric: handlerMetric(
        METRICS.services[service],
        METRICS.hubNoticesFailed,
        Duration.minutes(15),
      ),
      threshold: 3,
      evaluationPeriods: 1,
    });
  }

  /** The oldest upload in the inbox queue has waited MAX_QUEUE_AGE: backlog or retries. */
  queueAge(id: string, queue: IQueue): Alarm {
    return this.alarm(id, `Uploads waiting over ${MAX_QUEUE_AGE.toMinutes()} minutes for ingest`, {
      metric: queue.metricApproximateAgeOfOldestMessage({
        period: MINUTE,
        statistic: Stats.MAXIMUM,
      }),
      threshold: MAX_QUEUE_AGE.toSeconds(),
      evaluationPeriods: 1,
    });
  }

  /**
   * Any throttle of a function. maxConcurrency, the stream and release's schedule keep
   * feedpub inside its bounds, so a throttle means the account ran out of concurrency (another
   * workload, or a quota too low for maxConcurrency): invocations wait, uploads go stale.
   */
  throttles(id: string, fn: IFunction): Alarm {
    return this.alarm(id, `${fn.node.id} is being throttled`, {
      metric: fn.metricThrottles({ period: PERIOD, statistic: Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
    });
  }

  /**
   * Table throttling in three minutes running, reads and writes apart (all causes: a hot
   * partition, the on-demand or account limit, a cold table under a new peak). The SDK's
   * retries absorb a moment of it; three minutes is a capacity problem, which
   * tableWarmReads / tableWarmWrites or the key design must fix.
   */
  tableThrottles(id: string, table: ITable): Alarm[] {
    return (['Read', 'Write'] as const).map((kind) =>
      this.alarm(`${id}${kind}s`, `${kind}s to the table are being throttled`, {
        metric: table.metric(`${kind}ThrottleEvents`, { period: MINUTE, statistic: Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
      }),
    );
  }

  /**
   * Viewers getting server errors from the distribution (CloudFront's `5xxErrorRate`, in
   * us-east-1 only: FeedpubEdgeAlarmsStack). Feeds, pages and the redirects and headers the
   * edge functions add all go through it, so this is the alarm that says "readers see errors".
   */
  edgeErrors(id: string, distributionId: string, which: string): Alarm {
    return this.alarm(id, `Readers are getting server errors (5xx) from the site (${which})`, {
      metric: new Metric({
        namespace: 'AWS/CloudFront',
        metricName: '5xxErrorRate',
        dimensionsMap: { DistributionId: distributionId, Region: 'Global' },
        statistic: Stats.AVERAGE,
        period: MINUTE,
      }),
      threshold: MAX_EDGE_5XX_PERCENT,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
    });
  }

  private alarm(
    id: string,
    description: string,
    props: {
      metric: IMetric;
      threshold: number;
      evaluationPeriods: number;
      datapointsToAlarm?: number;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      ...props,
      alarmDescription: description,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}
