import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import {
  PUBLISH_SITE_EVENT,
  REPUBLISH_EVENT_KIND,
  type RepublishEvent,
  type RepublishSummary,
} from '../contract/event-sources.ts';
import { topicRuns } from '../contract/hub-notice.ts';
import { METRICS } from '../contract/metrics.ts';
import type { HubNotices } from '../ports/hub-notices.ts';
import { changedFeedTopics } from '../publish/announce-changes.ts';
import { ArticleCache } from '../publish/article-cache.ts';
import {
  type PublishDeps,
  type PublishResult,
  publishChanges,
  publishSite,
} from '../publish/publish-changes.ts';
import { keepingRenderer } from '../publish/renderer.ts';
import {
  type RepublishResult,
  republish,
  republishIfSettingsChanged,
} from '../publish/republish.ts';
import { articleChanges } from '../stores/article-stream.ts';
import { inLambda } from './lambda-context.ts';

/** The publish Lambda: one coalesced render per stream batch; failed records are retried. */
export interface PublishObservability {
  logger: Logger;
  metrics: Metrics;
  /** Called after every batch; the local runtime prints what was written. */
  onPublished?: (result: PublishResult) => void;
}

/** The publish function: stream batches, the schedule's tick, and republish requests. */
export interface PublishHandler {
  (event: RepublishEvent, context?: Context): Promise<RepublishSummary>;
  // Last, so ReturnType<PublishHandler> is a stream batch's answer.
  (
    event: DynamoDBStreamEvent | typeof PUBLISH_SITE_EVENT,
    context?: Context,
  ): Promise<DynamoDBBatchResponse>;
}

/**
 * A whole-site republish stops taking new chunks, and a stream batch starting archive pages
 * other than a feed's newest, when less than half the invocation's time is left (what is under
 * way finishes well within it); the next tick, or the records' retry, goes on. Half of what was
 * left when it began: the function's timeout, whatever it is deployed (or run locally) with.
 */
const timeLeftIn = (context: Context | undefined) => {
  if (!context) return () => true;
  const reserve = context.getRemainingTimeInMillis() / 2;
  return () => context.getRemainingTimeInMillis() > reserve;
};

export function createPublishHandler(
  given: PublishDeps & {
    /**
     * Where a batch that changed feeds queues its notice for the site's WebSub hubs
     * (config.hubs); the queue holds it until the edge serves the new bytes, not this batch.
     */
    notices?: HubNotices;
  },
  { logger, metrics, onPublished }: PublishObservability,
) {
  // Made with the handler, at module scope: kept between the invocations of one container, so
  // a warm publisher reads only the articles it has not rendered yet, and writes only the feed
  // items it has not written yet.
  const deps = {
    ...given,
    articles: given.articles ?? new ArticleCache(),
    renderer: given.renderer ?? keepingRenderer(),
  };
  /** After the batch, never instead of it: a notice that cannot be queued is logged and counted. */
  const announce = async (written: string[]) => {
    const { notices } = deps;
    const hubs = deps.config.hubs ?? [];
    if (!notices || hubs.length === 0) return;
    const runs = topicRuns(changedFeedTopics(written, deps.config.url));
    // A notice per hub: one that refuses is retried alone.
    await Promise.all(
      hubs.flatMap((hub) =>
        runs.map(async (topics) => {
          try {
            await notices.send({ hub, topics });
          } catch (error) {
            logger.error('could not queue the WebSub notice', {
              hub,
              topics,
              error: error as Error,
            });
            metrics.addMetric(METRICS.hubNoticesFailed, MetricUnit.Count, 1);
          }
        }),
      ),
    );
  };

  /** What every render run reports, a batch's or a tick's: its failures, hubs, counts. */
  const rendered = async (result: PublishResult) => {
    for (const failure of result.failures)
      logger.error('render failed', { unit: failure.unit, error: failure.error as Error });
    await announce(result.written);
    metrics.addMetric('filesWritten', MetricUnit.Count, result.written.length);
    metrics.addMetric(METRICS.renderFailures, MetricUnit.Count, result.failures.length);
  };

  /** What a republish run did, in the log. */
  const logRepublished = (message: string, result: RepublishResult, extra: object = {}) =>
    logger.info(message, {
      ...extra,
      articles: result.articles,
      written: result.written,
      deleted: result.deleted,
      unchanged: result.unchanged,
      coveredByOthers: result.coveredByOthers,
      ...(result.notFound.length > 0 ? { notFound: result.notFound } : {}),
      ...(result.pending ? { pending: result.pending } : {}),
    });

  /**
   * The schedule's tick: the site feed and listings, whatever the stream brought; then, when the
   * settings changed since the site was last rendered whole (or such a re-render is under way),
   * every file again, as far as the invocation's time allows (the next tick goes on).
   */
  const publishSiteFrame = async (context?: Context): Promise<DynamoDBBatchResponse> => {
    try {
      const result = await publishSite(deps);
      logger.info('published the site frame', {
        written: result.written,
        unchanged: result.unchanged,
      });
      await rendered(result);
      const republished = await republishIfSettingsChanged({
        ...deps,
        hasTimeFor: timeLeftIn(context),
      });
      if (republished) {
        logRepublished('republished the site for changed settings', republished);
        await rendered(republished);
        onPublished?.(republished);
      }
      // EventBridge retries a failed invocation; a render failure is one.
      const failure = result.failures[0] ?? republished?.failures[0];
      if (failure) throw failure.error;
      return { batchItemFailures: [] };
    } finally {
      metrics.publishStoredMetrics();
    }
  };

  /** An operator's request (feedpub republish, redrive): these articles' files, or all. */
  const republishRequested = async (
    event: RepublishEvent,
    context?: Context,
  ): Promise<RepublishSummary> => {
    try {
      const result = await republish(event, { ...deps, hasTimeFor: timeLeftIn(context) });
      logRepublished('republished', result, {
        requested: event.all ? 'all' : (event.ids ?? []),
      });
      await rendered(result);
      onPublished?.(result);
      // Rethrown: the caller sees the invocation fail; the ledger makes a retry cheap.
      if (result.failures[0]) throw result.failures[0].error;
      const { articles, written, deleted, unchanged, notFound, pending, remaining } = result;
      return {
        articles,
        written: written.length,
        deleted: deleted.length,
        unchanged,
        notFound,
        ...(pending ? { pending } : {}),
        ...(remaining?.length ? { remaining } : {}),
      };
    } finally {
      metrics.publishStoredMetrics();
    }
  };

  const handler = async (
    event: DynamoDBStreamEvent | typeof PUBLISH_SITE_EVENT | RepublishEvent,
    context?: Context,
  ): Promise<DynamoDBBatchResponse | RepublishSummary> => {
    inLambda(context, logger, metrics);
    if ('feedpub' in event && event.feedpub === PUBLISH_SITE_EVENT.feedpub)
      return publishSiteFrame(context);
    if ('feedpub' in event && event.feedpub === REPUBLISH_EVENT_KIND)
      return republishRequested(event, context);
    if (!('Records' in event))
      throw new Error('publish: neither a stream batch, a tick nor a republish request');
    try {
      const changes = articleChanges(event.Records);
      const result = await publishChanges(changes, { ...deps, inTime: timeLeftIn(context) });
      logger.info('published', {
        records: event.Records.length,
        articleChanges: changes.length,
        // Which articles, so a log search for an id finds its publish as well as its ingest.
        articles: [...new Set(changes.map((c) => c.after?.id ?? c.before?.id ?? ''))],
        written: result.written,
        deleted: result.deleted,
        unchanged: result.unchanged,
        coveredByOthers: result.coveredByOthers,
        // Archive pages left to the records' retry for lack of time (not failures).
        ...(result.deferred.length > 0 ? { deferred: result.deferred.length } : {}),
      });
      await rendered(result);
      onPublished?.(result);
      metrics.addMetric('filesDeleted', MetricUnit.Count, result.deleted.length);
      metrics.addMetric('archivePagesDeferred', MetricUnit.Count, result.deferred.length);
      // Records retried only for a deferred page are not failing: the alarm is for those that are.
      metrics.addMetric(
        METRICS.publishFailedRecords,
        MetricUnit.Count,
        result.failedRecordIds.length - result.deferredRecordIds.length,
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
  return handler as PublishHandler;
}
