import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { S3Client } from '@aws-sdk/client-s3';
import { localDynamoClients, localS3Client } from './clients.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { PortInUseError } from './errors.ts';
import { createBucket, createTable, LOCAL_NAMES } from './resources.ts';
import { type S3Server, startS3Server } from './s3-server.ts';
import { choosePort } from './tcp-ports.ts';

/**
 * The embedded AWS: DynamoDB Local and s3rver on 127.0.0.1, the table and both buckets created
 * from the shared definition, and SDK clients for them. Used by `npm start`, `feedpub build`,
 * the test suite's global setup and the benchmarks.
 */

export interface EmbeddedAwsOptions {
  /** 0 or absent: a free port. */
  dynamoPort?: number;
  /** Use this running DynamoDB Local instead of starting one (tests share one per run). */
  dynamoEndpoint?: string;
  s3Port?: number;
  /** Keep data here between runs; a throwaway temp folder when absent. */
  dataDir?: string;
  names?: Partial<ResourceNames>;
  /** Stop and exit on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
}

export interface ResourceNames {
  table: string;
  inboxBucket: string;
  siteBucket: string;
}

/** One S3 event notification record as s3rver emits it (keys raw, not URL-encoded). */
export interface S3rverEventRecord {
  eventName: string;
  eventTime: string;
  s3: {
    bucket: { name: string };
    object: { key: string; size?: number; eTag?: string; sequencer?: string; versionId?: string };
  };
}

export interface EmbeddedAws {
  endpoints: { dynamodb: string; s3: string };
  /** DynamoDB Local's Java process, when this started it (benchmarks read its CPU time). */
  dynamoPid?: number;
  names: ResourceNames;
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  s3: S3Client;
  /** Subscribe to S3 event notifications from s3rver; returns the unsubscribe function. */
  onS3Event(listener: (record: S3rverEventRecord) => void): () => void;
  stop(): Promise<void>;
}

const running = new Set<{ killNow(): void }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' also runs after an uncaught exception: the Java child never outlives us.
  process.on('exit', () => {
    for (const instance of running) instance.killNow();
  });
}

function installSignalHandlers(stop: () => Promise<void>): () => void {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      const code = signal === 'SIGINT' ? 130 : 143;
      void stop().finally(() => process.exit(code));
    };
    process.once(signal, handler);
    return () => process.removeListener(signal, handler);
  });
  return () => {
    for (const remove of handlers) remove();
  };
}

/**
 * DynamoDB Local on the port asked for, or on a free one. Java cannot be told "any port", so a
 * free port is chosen first; on a busy machine another process (an outgoing connection's
 * ephemeral port, say) can take it before Java binds. A port we chose is chosen again then; a
 * port the caller named is theirs to be told about.
 */
async function startDynamoOnAPort(
  port: number | undefined,
  dataDir: string | undefined,
): Promise<DynamoDbLocal> {
  const named = port !== undefined && port !== 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startDynamoDbLocal({ port: await choosePort(port, 'DynamoDB Local'), dataDir });
    } catch (error) {
      if (named || !(error instanceof PortInUseError) || attempt >= 5) throw error;
    }
  }
}

export async function startEmbeddedAws(options: EmbeddedAwsOptions = {}): Promise<EmbeddedAws> {
  const names: ResourceNames = { ...LOCAL_NAMES, ...options.names };
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  const tempDir = dataDir ? undefined : mkdtempSync(join(tmpdir(), 'feedpub-s3-'));
  const s3Dir = dataDir ? join(dataDir, 's3') : (tempDir as string);
  const dynamoDir = dataDir ? join(dataDir, 'dynamodb') : undefined;
  for (const dir of [s3Dir, dynamoDir]) if (dir) mkdirSync(dir, { recursive: true });

  installExitHook();
  let dynamoLocal: DynamoDbLocal | undefined;
  let s3rver: S3Server | undefined;
  const cleanup = async () => {
    await Promise.allSettled([dynamoLocal?.stop(), s3rver?.close()]);
    if (dynamoLocal) running.delete(dynamoLocal);
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  try {
    s3rver = await startS3Server(options.s3Port ?? 0, s3Dir);
    if (!options.dynamoEndpoint) {
      dynamoLocal = await startDynamoOnAPort(options.dynamoPort, dynamoDir);
      running.add(dynamoLocal);
    }
    const dynamoEndpoint = options.dynamoEndpoint ?? (dynamoLocal as DynamoDbLocal).endpoint;
    const endpoints = { dynamodb: dynamoEndpoint, s3: `http://127.0.0.1:${s3rver.port}` };
    const { dynamo, streams } = localDynamoClients(endpoints.dynamodb);
    const s3 = localS3Client(endpoints.s3);
    await createTable(dynamo, names.table);
    await createBucket(s3, names.inboxBucket);
    await createBucket(s3, names.siteBucket);

    let removeSignalHandlers = () => {};
    const server = s3rver;
    const stop = async () => {
      removeSignalHandlers();
      for (const client of [dynamo, streams, s3]) client.destroy();
      await cleanup();
    };
    if (options.handleSignals !== false) removeSignalHandlers = installSignalHandlers(stop);
    return {
      endpoints,
      ...(dynamoLocal?.pid === undefined ? {} : { dynamoPid: dynamoLocal.pid }),
      names,
      dynamo,
      streams,
      s3,
      onS3Event: (listener) => server.onEvent(listener),
      stop,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
