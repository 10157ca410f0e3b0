import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { METRICS } from '../contract/metrics.ts';
import {
  type PublishDeps,
  type PublishResult,
  publishChanges,
} from '../publish/publish-changes.ts';
import { articleChanges } from '../stores/article-stream.ts';

/** The publish Lambda: one coalesced render per stream batch; failed records are retried. */
export interface PublishObservability {
  logger: Logger;
  metrics: Metrics;
  /** Called after every batch; the local runtime prints what was written. */
  onPublished?: (result: PublishResult) => void;
}

export function createPublishHandler(
  deps: PublishDeps,
  { logger, metrics, onPublished }: PublishObservability,
) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    try {
      const changes = articleChanges(event.Records);
      const result = await publishChanges(changes, deps);
      logger.info('published', {
        records: event.Records.length,
        articleChanges: changes.length,
        written: result.written,
        deleted: result.deleted,
        unchanged: result.unchanged,
        coveredByOthers: result.coveredByOthers,
      });
      for (const failure of result.failures)
        logger.error('render failed', { unit: failure.unit, error: failure.error as Error });
      onPublished?.(result);
      metrics.addMetric('filesWritten', MetricUnit.Count, result.written.length);
      metrics.addMetric('filesDeleted', MetricUnit.Count, result.deleted.length);
      metrics.addMetric(METRICS.renderFailures, MetricUnit.Count, result.failures.length);
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
