import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { INGEST_MAX_RECEIVES, type IngestReport } from '../contract/inbox.ts';
import { METRICS } from '../contract/metrics.ts';
import { PoisonMessageError } from '../ingest/errors.ts';
import { type IngestDeps, ingestObjectEvent, writeReportInOrder } from '../ingest/ingest-object.ts';
import type { IngestOutcome } from '../ingest/outcome.ts';
import { objectEventsFromMessage } from '../ingest/s3-event.ts';
import { sourceReadsTogether } from '../ingest/source-reads-together.ts';
import type { DeadLetters } from '../ports/dead-letters.ts';
import { deadlineOf, inLambda } from './lambda-context.ts';

/**
 * What an invocation keeps of its time after a throttled write gives up: the report of that
 * upload and the batch's answer, well before Lambda ends it (a timeout retries all ten).
 */
const THROTTLE_MARGIN_MS = 5_000;

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  /** Called with every outcome; the local runtime prints them. */
  onOutcome?: (outcome: IngestOutcome) => void;
}

function outcomeName(outcome: IngestOutcome): string {
  return outcome.kind === 'applied' ? outcome.report.status : outcome.kind;
}

/** Whether a message only removes objects (a message that cannot be read removes nothing). */
function removesOnly(record: SQSRecord): boolean {
  try {
    const events = objectEventsFromMessage(record.body);
    return events.length > 0 && events.every((event) => event.kind === 'removed');
  } catch {
    return false;
  }
}

/**
 * The batch's records, removals after everything else: `aws s3 mv` is a copy and a delete, and
 * when both are in one batch the copy is taken first, so the story is moved at once instead of
 * withdrawn until its copy comes (README "The life of a story"). Records still run at once;
 * a removal only waits for the others to finish, failed or not. Order per key is kept by the
 * sequencers whatever runs first.
 */
function removalsLast(
  records: readonly SQSRecord[],
  handle: (record: SQSRecord) => Promise<void>,
): (record: SQSRecord) => Promise<void> {
  const removals = new Set(records.filter(removesOnly));
  let others = records.length - removals.size;
  let othersDone = () => {};
  const done = new Promise<void>((resolve) => {
    othersDone = resolve;
  });
  if (others === 0) othersDone();
  return async (record) => {
    if (removals.has(record)) {
      await done;
      return handle(record);
    }
    try {
      return await handle(record);
    } finally {
      others -= 1;
      if (others === 0) othersDone();
    }
  };
}

/**
 * The ingest Lambda: every SQS message is handled on its own, so a bad one never makes the
 * good ones retry (`batchItemFailures`); a message that keeps failing reaches the DLQ, and one
 * that is not an S3 notification at all goes there at once (no retry can mend it).
 */
export function createIngestHandler(
  deps: IngestDeps & { deadLetters: DeadLetters },
  { logger, metrics, onOutcome }: Observability,
) {
  const handleRecord = async (record: SQSRecord, run: IngestDeps): Promise<void> => {
    try {
      await handleMessage(record, run);
    } catch (error) {
      if (error instanceof PoisonMessageError) {
        // Parked, then acknowledged: if parking fails, the rethrow below retries it as usual.
        try {
          await deps.deadLetters.park(record.body, error.message);
          logger.error('not an S3 event notification: parked in the dead-letter queue', {
            messageId: record.messageId,
            error,
          });
          metrics.addMetric('poison', MetricUnit.Count, 1);
          return;
        } catch (parkError) {
          logger.error('could not park a poison message', { error: parkError as Error });
        }
      }
      // Rethrown: the message is retried, and after maxReceiveCount it is parked in the DLQ.
      logger.error('message failed', { messageId: record.messageId, error: error as Error });
      const receives = Number(record.attributes?.ApproximateReceiveCount ?? 1);
      if (receives >= INGEST_MAX_RECEIVES)
        await reportLastFailure(record.body, receives, error, run);
      throw error;
    }
  };

  /** On the last delivery, the editor learns from the report that the upload was not lost. */
  const reportLastFailure = async (
    body: string,
    receives: number,
    error: unknown,
    run: IngestDeps,
  ) => {
    try {
      for (const event of objectEventsFromMessage(body)) {
        await writeReportInOrder(
          {
            key: event.key,
            versionId: event.versionId,
            sequencer: event.sequencer,
            eventTime: event.eventTime,
            status: 'failed',
            reason: `not processed after ${receives} attempts (${(error as Error).message}); the event is kept in the dead-letter queue for a replay`,
            warnings: [],
          },
          run,
        );
      }
    } catch (reportError) {
      logger.error('could not write the failure report', { error: reportError as Error });
    }
  };

  const handleMessage = async (record: SQSRecord, run: IngestDeps): Promise<void> => {
    // Events of one message run in order: they may concern the same key.
    for (const event of objectEventsFromMessage(record.body)) {
      const outcome = await ingestObjectEvent(event, run);
      // Another key's outcome it settled (a held copy that became the deleted story) is told
      // as that key's own: one log line, one count, one line in dev each.
      const settled: IngestOutcome[] = [
        outcome,
        ...(outcome.kind === 'applied' ? (outcome.also ?? []) : []).map((report) => ({
          kind: 'applied' as const,
          report,
        })),
      ];
      for (const each of settled) {
        const report = each.kind === 'applied' ? each.report : undefined;
        logger.info('ingested', {
          key: report?.key ?? event.key,
          sequencer: event.sequencer,
          id: report?.id,
          outcome: outcomeName(each),
          reason: report?.reason,
          warningCount: report?.warnings.length ?? 0,
          warnings: loggedWarnings(report),
        });
        metrics.addMetric(outcomeName(each), MetricUnit.Count, 1);
        onOutcome?.(each);
      }
    }
  };

  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    inLambda(context, logger, metrics);
    // One processor per invocation: it holds the batch's successes and failures, and outside
    // Lambda (the local runtime runs batches concurrently) a shared one mixes two batches up.
    const processor = new BatchProcessor(EventType.SQS);
    // The records' source records are read together (one request for the batch), and a write
    // the table throttles waits for it until shortly before the invocation's timeout.
    const retryUntil = deadlineOf(context, THROTTLE_MARGIN_MS);
    const run = { ...deps, store: sourceReadsTogether(deps.store, { retryUntil }) };
    try {
      return await processPartialResponse(
        event,
        removalsLast(event.Records, (record) => handleRecord(record, run)),
        processor,
        {
          context: context as Context,
          // Records at once (the default, said here): removalsLast waits on the others.
          processInParallel: true,
        },
      );
    } finally {
      // Every invocation, 0 included, so the alarm on it has data; when all records fail the
      // batch throws, and they count too.
      metrics.addMetric(
        METRICS.ingestFailedRecords,
        MetricUnit.Count,
        processor.failureMessages.length,
      );
      metrics.publishStoredMetrics();
    }
  };
}

/**
 * A report's warnings as the log keeps them (30 days, read by whoever reads the logs): only
 * of a story readers can see, or were told went (warnings quote its text); of any other
 * upload (scheduled, a draft, a copy held, moved or unchanged, whatever it is now) only
 * `warningCount`. The report beside the upload has them all.
 */
function loggedWarnings(report: IngestReport | undefined): string[] | undefined {
  const warnings = report?.warnings ?? [];
  return warnings.length > 0 && report && PUBLIC_OUTCOMES.has(report.status) ? warnings : undefined;
}

const PUBLIC_OUTCOMES: ReadonlySet<IngestReport['status']> = new Set([
  'published',
  'updated',
  'withdrawn',
  'deleted',
]);
