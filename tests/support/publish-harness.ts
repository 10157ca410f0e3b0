import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { MiddlewareStack } from '@smithy/types';
import type { DynamoDBRecord } from 'aws-lambda';
import type { SiteConfig } from '../../shared/config/site.ts';
import { createPublishHandler } from '../../shared/lambda/publish-handler.ts';
import { localDynamoClients, localS3Client } from '../../shared/local/clients.ts';
import { StreamMapping } from '../../shared/local/stream-mapping.ts';
import { DynamoArticleTable } from '../../shared/stores/article-table.ts';
import { DynamoRenderLedger } from '../../shared/stores/render-ledger.ts';
import { S3SiteBucket } from '../../shared/stores/site-bucket.ts';
import { ingestHarness, quiet } from './harness.ts';
import { TEST_SITE } from './pipeline.ts';
import { bucketHelpers } from './site.ts';

/** Records every command a client sends: what the product costs, counted on real clients. */
export function recordCommands(client: S3Client | DynamoDBClient) {
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  const stack = client.middlewareStack as unknown as Pick<MiddlewareStack<object, object>, 'add'>;
  stack.add(
    (next, context) => async (args) => {
      sent.push({
        command: String(context.commandName),
        input: args.input as Record<string, unknown>,
      });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return sent;
}

/**
 * Ingest through the real handler, then publish table changes with the real publish handler,
 * on clients whose commands are counted.
 */
export async function publishHarness(site: SiteConfig = TEST_SITE) {
  const ingest = await ingestHarness();
  const { aws } = ingest;
  const dynamo = localDynamoClients(aws.endpoints.dynamodb).dynamo;
  const s3 = localS3Client(aws.endpoints.s3);
  const dynamoCommands = recordCommands(dynamo);
  const s3Commands = recordCommands(s3);
  const feeds = new DynamoArticleTable({ client: dynamo, tableName: aws.names.table });
  const bucket = new S3SiteBucket({ client: s3, bucket: aws.names.siteBucket });
  /** The ledger's clock: a test moves it to run a lease out. */
  const clock = { now: Date.now() };
  const ledger = new DynamoRenderLedger({
    client: dynamo,
    tableName: aws.names.table,
    now: () => clock.now,
  });
  const publish = createPublishHandler({ feeds, ledger, bucket, config: site }, quiet());

  const pending: DynamoDBRecord[] = [];
  // A collector, not a publish function: every record, in stream order, as soon as it is read.
  const poller = new StreamMapping({
    dynamo: aws.dynamo,
    streams: aws.streams,
    tableName: aws.names.table,
    events: { batchSize: 10_000, maxBatchingWindowSeconds: 0, parallelizationFactor: 1 },
    pollIntervalMs: 50,
    handler: async (event) => {
      pending.push(...event.Records);
      return { batchItemFailures: [] };
    },
  });
  await poller.start();

  /** Every stream record since the last call, as one batch. */
  const takeRecords = async () => {
    await poller.idle();
    return pending.splice(0);
  };
  return {
    ...ingest,
    feeds,
    ledger,
    clock,
    bucket,
    publish,
    takeRecords,
    dynamoCommands,
    s3Commands,
    site: bucketHelpers(aws.s3, aws.names.siteBucket),
    stop: async () => {
      await poller.stop();
      await ingest.stop();
    },
  };
}
