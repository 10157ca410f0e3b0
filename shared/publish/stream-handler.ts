import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ARTICLE_PK_PREFIX } from '../stores/table-definition.ts';
import { itemToArticle } from '../stores/table-items.ts';
import type { ArticleChange } from './affected.ts';
import { type PublishDeps, type PublishResult, publishChanges } from './publish-changes.ts';

type Image = Record<string, AttributeValue> | undefined;

function articleOf(image: Image) {
  return image ? itemToArticle(unmarshall(image)).article : undefined;
}

/** Article items only: feed entries and metas change in the same transactions. */
export function articleChanges(records: readonly DynamoDBRecord[]): ArticleChange[] {
  return records.flatMap((record) => {
    const pk = record.dynamodb?.Keys?.pk?.S ?? '';
    const recordId = record.dynamodb?.SequenceNumber;
    if (!pk.startsWith(ARTICLE_PK_PREFIX) || !recordId) return [];
    return [
      {
        recordId,
        before: articleOf(record.dynamodb?.OldImage as Image),
        after: articleOf(record.dynamodb?.NewImage as Image),
      },
    ];
  });
}

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
      });
      for (const failure of result.failures)
        logger.error('render failed', { unit: failure.unit, error: failure.error as Error });
      onPublished?.(result);
      metrics.addMetric('filesWritten', MetricUnit.Count, result.written.length);
      metrics.addMetric('filesDeleted', MetricUnit.Count, result.deleted.length);
      metrics.addMetric('renderFailures', MetricUnit.Count, result.failures.length);
      return {
        batchItemFailures: result.failedRecordIds.map((itemIdentifier) => ({ itemIdentifier })),
      };
    } catch (error) {
      // Rethrown: Lambda retries the batch (bisecting it), then sends it to the on-failure queue.
      logger.error('batch failed', { records: event.Records.length, error: error as Error });
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
