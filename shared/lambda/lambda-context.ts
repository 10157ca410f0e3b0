import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

/**
 * On Lambda: every log line of the invocation carries its request id and cold-start flag, and a
 * container's first invocation counts a `ColdStart` metric. The local runtime passes no context.
 */
export function inLambda(context: Context | undefined, logger: Logger, metrics: Metrics): void {
  if (!context) return;
  logger.addContext(context);
  metrics.captureColdStartMetric(context.functionName);
}

/**
 * When (epoch ms) work that may wait (a throttled write) must give up to leave the invocation
 * `reserveMs` of its time; undefined outside Lambda (no context).
 */
export function deadlineOf(context: Context | undefined, reserveMs: number): number | undefined {
  return context ? Date.now() + context.getRemainingTimeInMillis() - reserveMs : undefined;
}
