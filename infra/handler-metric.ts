import type { Duration } from 'aws-cdk-lib';
import { Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS } from '../shared/contract/metrics.ts';

/**
 * A metric a handler emits through Powertools, summed per `period`: its namespace and its
 * `service` dimension (shared/contract/metrics.ts), as the alarms and the dashboard read it.
 */
export function handlerMetric(
  service: string,
  metricName: string,
  period: Duration,
  label?: string,
): Metric {
  return new Metric({
    namespace: METRICS.namespace,
    metricName,
    dimensionsMap: { [METRICS.serviceDimension]: service },
    period,
    statistic: Stats.SUM,
    ...(label ? { label } : {}),
  });
}
