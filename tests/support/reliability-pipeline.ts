import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { MiddlewareStack } from '@smithy/types';
import type { DynamoDBRecord } from 'aws-lambda';
import type { IngestOutcome } from '../../shared/ingest/outcome.ts';
import type { EmbeddedAws } from '../../shared/local/embedded-aws.ts';
import { type Pipeline, type PipelineOptions, startPipeline } from '../../shared/local/pipeline.ts';
import type { PublishResult } from '../../shared/publish/publish-changes.ts';
import { testAws } from './aws.ts';
import { TEST_SITE } from './pipeline.ts';
import { bucketHelpers } from './site.ts';

/**
 * A pipeline of the test's own (s3rver + a table in the run's DynamoDB Local), whose
 * handlers use clients of their own, so a test can add faults to them without touching the
 * clients it reads the results with.
 */

export interface PipelineClients {
  s3: S3Client;
  dynamo: DynamoDBClient;
}

export interface RigOptions extends Partial<Omit<PipelineOptions, 'aws'>> {
  /** SDK attempts per call of the pipeline's clients (1: every injected fault reaches our code). */
  maxAttempts?: number;
  /** Adds middleware (faults, versions) to the pipeline's clients before it starts. */
  prepare?: (clients: PipelineClients, aws: EmbeddedAws) => void;
}

export interface Rig {
  aws: EmbeddedAws;
  /** What the reliability suites drive: uploads, settling, the release schedule. */
  pipeline: Omit<
    Pipeline,
    'publishSite' | 'publishDeadLetters' | 'publish' | 'republishIfSettingsChanged' | 'republish'
  >;
  outcomes: IngestOutcome[];
  publishes: PublishResult[];
  streamFailures: { records: number; error: unknown }[];
  inbox: ReturnType<typeof bucketHelpers>;
  site: ReturnType<typeof bucketHelpers>;
  stop(): Promise<void>;
}

export function pipelineClients(aws: EmbeddedAws, maxAttempts?: number): PipelineClients {
  const retries = maxAttempts ? { maxAttempts } : {};
  return {
    s3: new S3Client({
      endpoint: aws.endpoints.s3,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...retries,
    }),
    dynamo: new DynamoDBClient({
      endpoint: aws.endpoints.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      ...retries,
    }),
  };
}

export async function startEmulators(prefix = 'rel'): Promise<EmbeddedAws> {
  return testAws(prefix);
}

/**
 * Puts a record in the table's stream before the mapping asks for its TRIM_HORIZON iterator.
 * DynamoDB Local numbers stream records across all its tables, and an iterator taken on an
 * empty shard can keep failing with TrimmedDataAccessException once other tables have been
 * written, so the mapping would renew it round after round and `idle()` never resolve. The item is removed
 * again; publish ignores both records (not articles).
 */
export async function warmUpStream(aws: EmbeddedAws): Promise<void> {
  const Key = { pk: { S: 'WARMUP' }, sk: { S: 'W' } };
  await aws.dynamo.send(new PutItemCommand({ TableName: aws.names.table, Item: Key }));
  await aws.dynamo.send(new DeleteItemCommand({ TableName: aws.names.table, Key }));
}

/** The real startPipeline, on emulators of its own, with observable outcomes. */
export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const { maxAttempts, prepare, ...pipelineOptions } = options;
  const aws = await startEmulators();
  await warmUpStream(aws);
  const clients = pipelineClients(aws, maxAttempts);
  prepare?.(clients, aws);
  const outcomes: IngestOutcome[] = [];
  const publishes: PublishResult[] = [];
  const streamFailures: Rig['streamFailures'] = [];
  const pipeline = await startPipeline({
    site: TEST_SITE,
    releaseIntervalMs: 0,
    ...pipelineOptions,
    onIngest: (outcome) => {
      outcomes.push(outcome);
      pipelineOptions.onIngest?.(outcome);
    },
    onPublish: (result) => {
      publishes.push(result);
      pipelineOptions.onPublish?.(result);
    },
    onStreamFailure: (records: DynamoDBRecord[], error: unknown) => {
      streamFailures.push({ records: records.length, error });
      pipelineOptions.onStreamFailure?.(records, error);
    },
    aws: { ...aws, s3: clients.s3, dynamo: clients.dynamo },
  });
  return {
    aws,
    pipeline,
    outcomes,
    publishes,
    streamFailures,
    inbox: bucketHelpers(aws.s3, aws.names.inboxBucket),
    site: bucketHelpers(aws.s3, aws.names.siteBucket),
    stop: async () => {
      await pipeline.stop();
      clients.s3.destroy();
      clients.dynamo.destroy();
      await aws.stop();
    },
  };
}

type AnyStack = Pick<MiddlewareStack<object, object>, 'add'>;

/** The stack of a client, typed loosely enough to add one middleware to any client. */
export function middlewareOf(client: S3Client | DynamoDBClient): AnyStack {
  return client.middlewareStack as unknown as AnyStack;
}

/** Where the bytes of an emulated object version are kept (s3rver has no versioning). */
export const versionKey = (versionId: string) => `versions/${versionId}`;

/**
 * Emulates a versioned inbox: a GetObject that names a VersionId reads the copy of that
 * version, as S3 would serve the version the event announced, whatever the key holds now; a
 * CopyObject whose CopySource names one (`bucket/key?versionId=…`) copies from there too.
 */
export function serveVersions(s3: S3Client): void {
  middlewareOf(s3).add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: string; VersionId?: string; CopySource?: string };
      if (context.commandName === 'GetObjectCommand' && input.VersionId) {
        args.input = { ...input, Key: versionKey(input.VersionId), VersionId: undefined };
      }
      const copied = /^([^/]+)\/.*\?versionId=([^&]+)$/.exec(input.CopySource ?? '');
      if (context.commandName === 'CopyObjectCommand' && copied) {
        const [, bucket, versionId] = copied;
        args.input = {
          ...input,
          CopySource: `${bucket}/${versionKey(decodeURIComponent(versionId ?? ''))}`,
        };
      }
      return next(args);
    },
    { step: 'initialize', name: 'serveVersions' },
  );
}

/** Stores every version's bytes where serveVersions reads them. */
export async function putVersions(rig: Rig, versions: ReadonlyMap<string, Uint8Array>) {
  const entries = [...versions];
  for (let i = 0; i < entries.length; i += 20) {
    await Promise.all(
      entries.slice(i, i + 20).map(([versionId, body]) =>
        rig.aws.s3.send(
          new PutObjectCommand({
            Bucket: rig.aws.names.inboxBucket,
            Key: versionKey(versionId),
            Body: body,
          }),
        ),
      ),
    );
  }
}

/**
 * Makes the emulated inbox behave like S3 where s3rver does not: the pipeline's reads and
 * writes of a key in `aliases` go to the key it maps to.
 *
 * - Bursts: s3rver writes an object's file without atomicity and may finish writing after it
 *   has announced the PUT, so after concurrent PUTs of one key its file can hold an older
 *   body, or a mix of two. S3 does not: a GET after a PUT returns that PUT's body or a later
 *   one. Map each key to a copy of the body of its last announced PUT.
 * - Keys s3rver refuses (an empty segment, `articles//x.txt`): map the key and its report.
 */
export function aliasKeys(s3: S3Client, aliases: ReadonlyMap<string, string>): void {
  middlewareOf(s3).add(
    (next) => async (args) => {
      const input = args.input as { Key?: string };
      const alias = aliases.get(input.Key ?? '');
      if (alias) args.input = { ...input, Key: alias };
      return next(args);
    },
    { step: 'initialize', name: 'aliasKeys' },
  );
}
