import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { topicsOfNotice } from '../contract/hub-notice.ts';
import { METRICS } from '../contract/metrics.ts';
import { type NotifyDeps, notifyHubs } from '../publish/announce-changes.ts';
import { inLambda } from './lambda-context.ts';

export interface AnnounceObservability {
  logger: Logger;
  metrics: Metrics;
}

/**
 * The announce function: the hub-notice queue's messages, each naming the feeds one publish
 * batch changed, already past the edge's lifetime (ANNOUNCE_EVENTS.delaySeconds). One ping per
 * hub names the feeds of every notice in the invocation. When a hub refuses every attempt, the
 * notices are reported failed, so SQS delivers them again later, then to the dead letters; the
 * hubs that took them are pinged again, which WebSub allows (a ping only makes a hub fetch).
 * A message that is no notice is reported failed at once, with the reason in the log.
 */
export function createAnnounceHandler(
  deps: NotifyDeps,
  { logger, metrics }: AnnounceObservability,
): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  return async (event, context) => {
    inLambda(context, logger, metrics);
    try {
      const failed: string[] = [];
      const notices: { messageId: string; topics: string[] }[] = [];
      for (const { messageId, body } of event.Records) {
        try {
          notices.push({ messageId, topics: topicsOfNotice(body) });
        } catch (error) {
          logger.error('not a hub notice', { messageId, error: error as Error });
          failed.push(messageId);
        }
      }
      const topics = [...new Set(notices.flatMap((n) => n.topics))].sort();
      const announcement = await notifyHubs(topics, deps);
      if (announcement.delivered.length > 0)
        logger.info('WebSub hubs notified', {
          notices: notices.length,
          topics,
          hubs: announcement.delivered,
        });
      for (const { hub, error } of announcement.failed)
        logger.error('a WebSub hub refused every attempt', { hub, topics, error: error as Error });
      metrics.addMetric(METRICS.hubNoticesFailed, MetricUnit.Count, announcement.failed.length);
      if (announcement.failed.length > 0) failed.push(...notices.map((n) => n.messageId));
      return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
