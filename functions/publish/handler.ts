import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { requireEnv, siteConfigFromEnv } from '../../shared/config/env.ts';
import { ENV } from '../../shared/contract/environment.ts';
import { createPublishHandler } from '../../shared/lambda/publish-handler.ts';
import { traced, traceSdkClients } from '../../shared/lambda/xray.ts';
import { DynamoArticleTable } from '../../shared/stores/article-table.ts';
import { DynamoRenderLedger } from '../../shared/stores/render-ledger.ts';
import { SDK_CLIENT_SETTINGS } from '../../shared/stores/sdk-settings.ts';
import { S3SiteBucket } from '../../shared/stores/site-bucket.ts';
import { SqsHubNotices } from '../../shared/stores/sqs-hub-notices.ts';

// Composition root: built once per container from validated configuration.
const config = siteConfigFromEnv(process.env);
const dynamo = new DynamoDBClient(SDK_CLIENT_SETTINGS);
const tableName = requireEnv(process.env, ENV.tableName);
const feeds = new DynamoArticleTable({ client: dynamo, tableName });
const ledger = new DynamoRenderLedger({ client: dynamo, tableName });
const s3 = new S3Client(SDK_CLIENT_SETTINGS);
const bucket = new S3SiteBucket({ client: s3, bucket: requireEnv(process.env, ENV.siteBucket) });
traceSdkClients(dynamo, s3);
// Its SQS client is made at the first batch that changes a feed, not at every cold start.
const notices = new SqsHubNotices({
  settings: SDK_CLIENT_SETTINGS,
  queueUrl: requireEnv(process.env, ENV.hubNoticeQueue),
});

export const handler = traced(
  'publish',
  createPublishHandler(
    // The hubs named in the settings (SITE_WEBSUB_HUBS) hear of every batch's changed feeds,
    // from the announce function, once the notice queue hands it the notice.
    { feeds, ledger, bucket, config, notices },
    { logger: new Logger(), metrics: new Metrics() },
  ),
);
