import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { requireEnv } from '../../shared/config/env.ts';
import { ENV } from '../../shared/contract/environment.ts';
import { deadlineOf } from '../../shared/lambda/lambda-context.ts';
import { traced, traceSdkClients } from '../../shared/lambda/xray.ts';
import { releaseDue } from '../../shared/release/release-due.ts';
import { DynamoArticleTable } from '../../shared/stores/article-table.ts';
import { SDK_CLIENT_SETTINGS } from '../../shared/stores/sdk-settings.ts';

// Composition root: built once per container from validated configuration.
const dynamo = new DynamoDBClient(SDK_CLIENT_SETTINGS);
const store = new DynamoArticleTable({
  client: dynamo,
  tableName: requireEnv(process.env, ENV.tableName),
});
traceSdkClients(dynamo);
const logger = new Logger();

/** Stops starting pages this long before the timeout: a page is at most 100 transactions. */
const PAGE_RESERVE_MS = 15_000;

/**
 * Runs on a schedule: makes every due article live, withdraws every expired one (pages of 100, as long as the invocation has
 * time; the next tick takes the rest); publishing follows through the stream.
 */
export const handler = traced(
  'release',
  async (
    _event: unknown,
    context?: Context,
  ): Promise<{ released: string[]; expired: string[] }> => {
    if (context) logger.addContext(context);
    const result = await releaseDue({
      store,
      now: () => new Date(),
      timeLeft: () =>
        (context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY) > PAGE_RESERVE_MS,
      // A throttled write waits no longer than the run has time for.
      retryUntil: deadlineOf(context, PAGE_RESERVE_MS),
    });
    logger.info('release run', {
      count: result.released.length + result.expired.length,
      released: result.released,
      expired: result.expired,
    });
    return result;
  },
);
