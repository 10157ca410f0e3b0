import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { SDK_CLIENT_SETTINGS } from '../stores/sdk-settings.ts';

/** SDK v3 clients for the embedded emulators: DynamoDB Local, and s3rver with its fixed credentials. */

const REGION = 'us-east-1';

type Client = DynamoDBClient | DynamoDBStreamsClient | S3Client;

const STACK_CHANGES = ['add', 'addRelativeTo', 'use', 'remove', 'removeByTag'] as const;

/**
 * The client with Lambda's settings (SDK_CLIENT_SETTINGS), whose cached middleware is dropped
 * whenever its stack changes: tests and benchmarks add middleware to clients already in use
 * (to record or to inject faults), and it must take effect.
 */
export function withStackCache<C extends Client>(client: C): C {
  const stack = client.middlewareStack as unknown as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  for (const change of STACK_CHANGES) {
    const original = stack[change]?.bind(stack);
    if (!original) continue;
    stack[change] = (...args) => {
      // The SDK keeps the resolved handlers per command class here (Client.send).
      delete (client as unknown as { handlers?: unknown }).handlers;
      return original(...args);
    };
  }
  return client;
}

export function localDynamoClients(endpoint: string): {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
} {
  // DynamoDB Local runs with -sharedDb, so any credentials see the same tables.
  const config = {
    ...SDK_CLIENT_SETTINGS,
    endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  return {
    dynamo: withStackCache(new DynamoDBClient(config)),
    streams: withStackCache(new DynamoDBStreamsClient(config)),
  };
}

export function localS3Client(endpoint: string): S3Client {
  return withStackCache(
    new S3Client({
      ...SDK_CLIENT_SETTINGS,
      endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      // Without these, streamed bodies reach s3rver aws-chunked (stored corrupted) or are rejected.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
}
