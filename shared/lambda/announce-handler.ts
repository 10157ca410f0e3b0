import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type HubNotice, MalformedNoticeError, noticeOf } from '../contract/hub-notice.ts';
import { METRICS } from '../contract/metrics.ts';
import { type NotifyDeps, notifyHubs } from '../publish/announce-changes.ts';
import { inLambda } from './lambda-context.ts';

export interface AnnounceObservability {
  logger: Logger;
  metrics: Metrics;
}

/**
 * The announce function: the hub-notice queue's messages, each naming one hub and the feeds one
 * publish batch changed, already past the edge's lifetime (ANNOUNCE_EVENTS.delaySeconds). One
 * ping per hub names the feeds of every notice for it in the invocation. When a hub refuses
 * every attempt, its notices are reported failed, so SQS delivers them again later, then to the
 * dead letters; the other hubs' notices are done, so those hubs hear of each change once. A
 * message that is no notice, or names a hub that is not in the settings (config.hubs), is
 * reported failed at once, with the reason in the log: announce pings the configured hubs only.
 */
export function createAnnounceHandler(
  deps: NotifyDeps,
  { logger, metrics }: AnnounceObservability,
): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  const configured = new Set(deps.hubs);
  return async (event, context) => {
    inLambda(context, logger, metrics);
    try {
      const failed: string[] = [];
      /** Each hub's notices: their message ids and feeds. */
      const byHub = new Map<string, { messageIds: string[]; topics: Set<string> }>();
      for (const { messageId, body } of event.Records) {
        let notice: HubNotice;
        try {
          notice = noticeOf(body);
          if (notice.hub !== undefined && !configured.has(notice.hub))
            throw new MalformedNoticeError(`hub ${notice.hub} is not one of the site’s hubs`);
        } catch (error) {
          logger.error('not a hub notice', { messageId, error: error as Error });
          failed.push(messageId);
          continue;
        }
        // A notice queued before notices named their hub is for every hub.
        for (const hub of notice.hub === undefined ? deps.hubs : [notice.hub]) {
          const forHub = byHub.get(hub) ?? { messageIds: [], topics: new Set<string>() };
          forHub.messageIds.push(messageId);
          for (const topic of notice.topics) forHub.topics.add(topic);
          byHub.set(hub, forHub);
        }
      }
      /** The notices of hubs that refused every attempt, and how many hubs did. */
      const refused = new Set<string>();
      let refusing = 0;
      await Promise.all(
        [...byHub].map(async ([hub, { messageIds, topics }]) => {
          const named = [...topics].sort();
          const announcement = await notifyHubs(named, { ...deps, hubs: [hub] });
          if (announcement.delivered.length > 0)
            logger.info('WebSub hub notified', { hub, notices: messageIds.length, topics: named });
          for (const { error } of announcement.failed) {
            logger.error('a WebSub hub refused every attempt', {
              hub,
              topics: named,
              error: error as Error,
            });
            refusing += 1;
            for (const id of messageIds) refused.add(id);
          }
        }),
      );
      metrics.addMetric(METRICS.hubNoticesFailed, MetricUnit.Count, refusing);
      failed.push(...refused);
      return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
