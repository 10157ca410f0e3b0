import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { requireEnv, siteConfigFromEnv } from '../../shared/config/env.ts';
import { ENV } from '../../shared/contract/environment.ts';
import { createIngestHandler } from '../../shared/lambda/ingest-handler.ts';
import { traced, traceSdkClients } from '../../shared/lambda/xray.ts';
import { ParsePool } from '../../shared/parsing/parse-pool.ts';
import { DynamoArticleTable } from '../../shared/stores/article-table.ts';
import { SqsDeadLetters } from '../../shared/stores/dead-letter-queue.ts';
import { S3Inbox } from '../../shared/stores/inbox-bucket.ts';
import { SDK_CLIENT_SETTINGS } from '../../shared/stores/sdk-settings.ts';
import { S3SiteMedia } from '../../shared/stores/site-media.ts';

// Composition root: built once per container from validated configuration.
const site = siteConfigFromEnv(process.env);
const dynamo = new DynamoDBClient(SDK_CLIENT_SETTINGS);
const store = new DynamoArticleTable({
  client: dynamo,
  tableName: requireEnv(process.env, ENV.tableName),
});
const s3 = new S3Client(SDK_CLIENT_SETTINGS);
traceSdkClients(dynamo, s3);
const inboxBucket = requireEnv(process.env, ENV.inboxBucket);
const inbox = new S3Inbox({ client: s3, bucket: inboxBucket });
// Media uploads are copied to the site bucket by S3 itself (README "Media").
const media = new S3SiteMedia({
  client: s3,
  inboxBucket,
  siteBucket: requireEnv(process.env, ENV.siteBucket),
});

// Its SQS client is made at the first poison message, not at every cold start.
const deadLetters = new SqsDeadLetters({
  settings: SDK_CLIENT_SETTINGS,
  queueUrl: requireEnv(process.env, ENV.ingestDeadLetterQueue),
});

// Each upload is parsed in a worker thread with a time budget: one never holds up its batch.
const parsing = new ParsePool();

export const handler = traced(
  'ingest',
  createIngestHandler(
    {
      store,
      inbox,
      media,
      deadLetters,
      parse: parsing.parse,
      siteUrl: site.url,
      now: () => new Date(),
    },
    { logger: new Logger(), metrics: new Metrics() },
  ),
);
