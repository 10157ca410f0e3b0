import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { PUBLISH_SITE_EVENT } from '../contract/event-sources.ts';
import { METRICS } from '../contract/metrics.ts';
import type { HubNotifier } from '../ports/hub-notifier.ts';
import { type Announcement, announceChanges } from '../publish/announce-changes.ts';
import {
  type PublishDeps,
  type PublishResult,
  publishChanges,
  publishSite,
} from '../publish/publish-changes.ts';
import { articleChanges } from '../stores/article-stream.ts';
import { inLambda } from './lambda-context.ts';

/** The publish Lambda: one coalesced render per stream batch; failed records are retried. */
export interface PublishObservability {
  logger: Logger;
  metrics: Metrics;
  /** Called after every batch; the local runtime prints what was written. */
  onPublished?: (result: PublishResult) => void;
}

export function createPublishHandler(
  deps: PublishDeps & {
    /** Tells the site's WebSub hubs (config.hubs) which feeds a batch changed. */
    notifier?: HubNotifier;
  },
  { logger, metrics, onPublished }: PublishObservability,
) {
  /** After the batch, never instead of it: a hub's trouble is logged and counted, not thrown. */
  const announce = async (written: string[]) => {
    if (!deps.notifier) return;
    let announcement: Announcement;
    try {
      announcement = await announceChanges(written, {
        notifier: deps.notifier,
        config: deps.config,
      });
    } catch (error) {
      logger.error('WebSub notices failed', { error: error as Error });
      metrics.addMetric(METRICS.hubNoticesFailed, MetricUnit.Count, deps.config.hubs?.length ?? 0);
      return;
    }
    if (announcement.delivered.length > 0)
      logger.info('WebSub hubs notified', {
        topics: announcement.topics,
        hubs: announcement.delivered,
      });
    for (const { hub, error } of announcement.failed)
      logger.error('a WebSub hub refused every notice', {
        hub,
        topics: announcement.topics,
        error: error as Error,
      });
    metrics.addMetric(METRICS.hubNoticesFailed, MetricUnit.Count, announcement.failed.length);
  };

  /** What every render run reports, a batch's or a tick's: its failures, hubs, counts. */
  const rendered = async (result: PublishResult) => {
    for (const failure of result.failures)
      logger.error('render failed', { unit: failure.unit, error: failure.error as Error });
    await announce(result.written);
    metrics.addMetric('filesWritten', MetricUnit.Count, result.written.length);
    metrics.addMetric(METRICS.renderFailures, MetricUnit.Count, result.failures.length);
  };

  /** The schedule's tick: the site feed and listings, whatever the stream brought. */
  const publishSiteFrame = async (): Promise<DynamoDBBatchResponse> => {
    try {
      const result = await publishSite(deps);
      logger.info('published the site frame', {
        written: result.written,
        unchanged: result.unchanged,
      });
      await rendered(result);
      // EventBridge retries a failed invocation; a render failure is one.
      if (result.failures.length > 0) throw result.failures[0]?.error;
      return { batchItemFailures: [] };
    } finally {
      metrics.publishStoredMetrics();
    }
  };

  return async (
    event: DynamoDBStreamEvent | typeof PUBLISH_SITE_EVENT,
    context?: Context,
  ): Promise<DynamoDBBatchResponse> => {
    inLambda(context, logger, metrics);
    if ('feedpub' in event && event.feedpub === PUBLISH_SITE_EVENT.feedpub)
      return publishSiteFrame();
    if (!('Records' in event)) throw new Error('publish: neither a stream batch nor a tick');
    try {
      const changes = articleChanges(event.Records);
      const result = await publishChanges(changes, deps);
      logger.info('published', {
        records: event.Records.length,
        articleChanges: changes.length,
        // Which articles, so a log search for an id finds its publish as well as its ingest.
        articles: [...new Set(changes.map((c) => c.after?.id ?? c.before?.id ?? ''))],
        written: result.written,
        deleted: result.deleted,
        unchanged: result.unchanged,
        coveredByOthers: result.coveredByOthers,
      });
      await rendered(result);
      onPublished?.(result);
      metrics.addMetric('filesDeleted', MetricUnit.Count, result.deleted.length);
      metrics.addMetric(
        METRICS.publishFailedRecords,
        MetricUnit.Count,
        result.failedRecordIds.length,
      );
      return {
        batchItemFailures: result.failedRecordIds.map((itemIdentifier) => ({ itemIdentifier })),
      };
    } catch (error) {
      // Rethrown: Lambda retries the batch (bisecting it), then sends it to the on-failure queue.
      logger.error('batch failed', { records: event.Records.length, error: error as Error });
      metrics.addMetric(METRICS.renderFailures, MetricUnit.Count, 0);
      metrics.addMetric(METRICS.publishFailedRecords, MetricUnit.Count, event.Records.length);
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
