import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { IngestOutcome } from '../../shared/ingest/outcome.ts';
import { createIngestHandler } from '../../shared/lambda/ingest-handler.ts';
import { createPublishHandler } from '../../shared/lambda/publish-handler.ts';
import { LocalQueue } from '../../shared/local/local-queue.ts';
import { StreamMapping } from '../../shared/local/stream-mapping.ts';
import type { PublishResult } from '../../shared/publish/publish-changes.ts';
import { releaseDue } from '../../shared/release/release-due.ts';
import { DynamoArticleTable } from '../../shared/stores/article-table.ts';
import { S3Inbox } from '../../shared/stores/inbox-bucket.ts';
import { DynamoRenderLedger } from '../../shared/stores/render-ledger.ts';
import { S3SiteBucket } from '../../shared/stores/site-bucket.ts';
import { quiet } from './harness.ts';
import { TEST_SITE } from './pipeline.ts';
import { sleep } from './reliability-config.ts';
import {
  middlewareOf,
  pipelineClients,
  type Rig,
  type RigOptions,
  serveVersions,
  startEmulators,
  warmUpStream,
} from './reliability-pipeline.ts';
import { bucketHelpers } from './site.ts';

/**
 * The pipeline of shared/local/pipeline.ts, wired from the same parts (real handlers,
 * LocalQueue, StreamMapping), with handlers that crash: an invocation is abandoned at a random
 * moment, its requests already sent complete, nothing after them happens (its process is
 * gone), and the caller sees a failed invocation, so the whole batch comes back.
 */

export interface CrashPlan {
  random: () => number;
  probability: number;
  /** Crashed invocations one message or stream record may be part of. */
  perRecord: number;
  /** Adds middleware to the pipeline's clients before it starts (as RigOptions.prepare). */
  prepare?: RigOptions['prepare'];
}

export interface CrashingRig extends Rig {
  crashes: { ingest: number; publish: number };
}

export async function startCrashingRig(plan: CrashPlan): Promise<CrashingRig> {
  const aws = await startEmulators('crash');
  await warmUpStream(aws);
  const clients = pipelineClients(aws);
  serveVersions(clients.s3);
  plan.prepare?.(clients, aws);
  const invocation = new AsyncLocalStorage<{ dead: boolean }>();
  for (const client of [clients.s3, clients.dynamo]) {
    middlewareOf(client).add(
      (next) => async (args) => {
        if (invocation.getStore()?.dead) throw new Error('this invocation has crashed');
        return next(args);
      },
      { step: 'initialize', name: 'crashedInvocation', priority: 'high' },
    );
  }
  const crashes = { ingest: 0, publish: 0 };
  const crashedWith = new Map<string, number>();
  const crashing = <E, R>(name: 'ingest' | 'publish', ids: (event: E) => string[]) => {
    return (handler: (event: E) => Promise<R>) =>
      async (event: E): Promise<R> => {
        const state = { dead: false };
        const run = invocation.run(state, () => handler(event));
        const records = ids(event);
        const allowed = records.every((id) => (crashedWith.get(id) ?? 0) < plan.perRecord);
        if (!allowed || plan.random() >= plan.probability) return run;
        run.catch(() => {});
        await Promise.race([run, sleep(Math.floor(plan.random() * 60))]);
        state.dead = true;
        crashes[name] += 1;
        for (const id of records) crashedWith.set(id, (crashedWith.get(id) ?? 0) + 1);
        throw new Error(`simulated crash of the ${name} function`);
      };
  };

  const table = new DynamoArticleTable({ client: clients.dynamo, tableName: aws.names.table });
  const outcomes: IngestOutcome[] = [];
  const publishes: PublishResult[] = [];
  const streamFailures: Rig['streamFailures'] = [];
  const ingest = createIngestHandler(
    {
      store: table,
      inbox: new S3Inbox({ client: clients.s3, bucket: aws.names.inboxBucket }),
      siteUrl: TEST_SITE.url,
      now: () => new Date(),
      // The queue is built below; nothing is parked before it exists.
      deadLetters: { park: (body, reason) => queue.park(body, reason) },
    },
    { ...quiet(), onOutcome: (o) => outcomes.push(o) },
  );
  const publish = createPublishHandler(
    {
      feeds: table,
      ledger: new DynamoRenderLedger({ client: clients.dynamo, tableName: aws.names.table }),
      bucket: new S3SiteBucket({ client: clients.s3, bucket: aws.names.siteBucket }),
      config: TEST_SITE,
    },
    { ...quiet(), onPublished: (r) => publishes.push(r) },
  );
  const queue = new LocalQueue({
    handler: crashing<Parameters<typeof ingest>[0], Awaited<ReturnType<typeof ingest>>>(
      'ingest',
      (event) => event.Records.map((r) => r.messageId),
    )((event) => ingest(event)),
  });
  const poller = new StreamMapping({
    dynamo: clients.dynamo,
    streams: aws.streams,
    tableName: aws.names.table,
    handler: crashing<DynamoDBStreamEvent, Awaited<ReturnType<typeof publish>>>(
      'publish',
      (event) => event.Records.map((r) => r.dynamodb?.SequenceNumber ?? ''),
    )(publish),
    onFailure: (records: DynamoDBRecord[], error: unknown) =>
      streamFailures.push({ records: records.length, error }),
  });
  await poller.start();
  return {
    aws,
    crashes,
    outcomes,
    publishes,
    streamFailures,
    inbox: bucketHelpers(aws.s3, aws.names.inboxBucket),
    site: bucketHelpers(aws.s3, aws.names.siteBucket),
    pipeline: {
      queue,
      settle: async () => {
        do {
          await queue.idle();
          await poller.idle();
        } while (queue.depth > 0);
      },
      release: async () => (await releaseDue({ store: table, now: () => new Date() })).released,
      stop: async () => {
        queue.stop();
        await poller.stop();
      },
    },
    stop: async () => {
      queue.stop();
      await poller.stop();
      clients.s3.destroy();
      clients.dynamo.destroy();
      await aws.stop();
    },
  };
}
