import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { requireEnv } from '../../shared/config/env.ts';
import { ENV } from '../../shared/contract/environment.ts';
import { releaseDue } from '../../shared/release/release-due.ts';
import { DynamoArticleTable } from '../../shared/stores/article-table.ts';
import { SDK_CLIENT_SETTINGS } from '../../shared/stores/sdk-settings.ts';

// Composition root: built once per container from validated configuration.
const store = new DynamoArticleTable({
  client: new DynamoDBClient(SDK_CLIENT_SETTINGS),
  tableName: requireEnv(process.env, ENV.tableName),
});
const logger = new Logger();

/** Runs on a schedule: makes due articles live; publishing follows through the stream. */
export const handler = async (): Promise<{ released: string[] }> => {
  const result = await releaseDue({ store, now: () => new Date() });
  logger.info('release run', { released: result.released });
  return result;
};
