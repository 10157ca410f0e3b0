import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  /** Subscribed to the topic when set; the address must confirm the subscription. */
  readonly email: string | undefined;
}

const PERIOD = Duration.minutes(5);
/** How far behind the table stream publish may fall before someone should look. */
export const MAX_ITERATOR_AGE = Duration.minutes(2);

/** The alarm topic and the few alarms that mean "an article is stuck". */
export class Alarms extends Construct {
  public readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { displayName: 'feedpub alarms', enforceSSL: true });
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

  /** Publish falling behind the table stream, sustained for two periods out of three. */
  iteratorAge(id: string, fn: IFunction): Alarm {
    return this.alarm(id, `${fn.node.id} is falling behind the table stream`, {
      metric: fn.metric('IteratorAge', { period: PERIOD, statistic: Stats.MAXIMUM }),
      threshold: MAX_ITERATOR_AGE.toMilliseconds(),
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
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
